CREATE TABLE "agent_runs" (
	"workflow_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"status" text NOT NULL,
	"known_agent" boolean NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text,
	"last_offset" integer,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "agent_runs_workflow_id_agent_id_pk" PRIMARY KEY("workflow_id","agent_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "webhook_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"dedup_key" text NOT NULL,
	"workflow_id" text NOT NULL,
	"event_type" text NOT NULL,
	"agent_id" text,
	"event_offset" integer,
	"source_event_id" text,
	"payload" jsonb NOT NULL,
	"payload_size" integer NOT NULL,
	"signature_scheme" text NOT NULL,
	"event_timestamp" timestamp with time zone,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	"processing_ms" integer,
	"processing_status" text DEFAULT 'pending' NOT NULL,
	"processing_error" text,
	"outcome" text NOT NULL,
	"outcome_error" text,
	"known_agent" boolean DEFAULT true NOT NULL,
	"correlation_id" text NOT NULL,
	"source_ip" text
);
--> statement-breakpoint
CREATE TABLE "webhook_rejections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"detail" text,
	"source_ip" text,
	"body_size" integer,
	"body_sha256" text,
	"signature_scheme" text,
	"correlation_id" text,
	"occurrences" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflows" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"first_event_at" timestamp with time zone NOT NULL,
	"last_event_at" timestamp with time zone NOT NULL,
	"event_count" integer NOT NULL,
	"error" text,
	"unknown_agents" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_dedup_key_uq" ON "webhook_events" USING btree ("dedup_key");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_seq_uq" ON "webhook_events" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "webhook_events_workflow_idx" ON "webhook_events" USING btree ("workflow_id","event_offset","seq");--> statement-breakpoint
CREATE INDEX "webhook_events_received_idx" ON "webhook_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_pending_idx" ON "webhook_events" USING btree ("seq") WHERE processing_status = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_rejections_received_idx" ON "webhook_rejections" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "workflows_status_idx" ON "workflows" USING btree ("status","last_event_at");