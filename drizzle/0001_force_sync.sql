CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"outcome" text NOT NULL,
	"details" jsonb,
	"source_ip" text,
	"correlation_id" text
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"route" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"state" text NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "idempotency_keys_scope_route_key_pk" PRIMARY KEY("scope","route","key")
);
--> statement-breakpoint
CREATE TABLE "sync_requests" (
	"sync_id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"correlation_id" text NOT NULL,
	"idempotency_key" text,
	"caller" text NOT NULL,
	"sync_scope" text,
	"client_name" text,
	"client_session_id" text,
	"triggered_by" text,
	"input" jsonb NOT NULL,
	"status" text NOT NULL,
	"opal_workflow_id" text,
	"opal_session_id" text,
	"opal_mode" text NOT NULL,
	"opal_outcome" text,
	"opal_attempts" integer,
	"opal_latency_ms" integer,
	"http_status" integer,
	"duration_ms" integer,
	"error" text,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "sync_requests_created_idx" ON "sync_requests" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "sync_requests_workflow_idx" ON "sync_requests" USING btree ("opal_workflow_id");