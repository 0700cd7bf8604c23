CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"message" text NOT NULL,
	"value" double precision,
	"threshold" double precision,
	"details" jsonb,
	"fired_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"last_evaluated_at" timestamp with time zone NOT NULL,
	"firing_notified_at" timestamp with time zone,
	"resolved_notified_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "hourly_rollups" (
	"hour" timestamp with time zone NOT NULL,
	"series" text NOT NULL,
	"dimension" text NOT NULL,
	"total" integer NOT NULL,
	"failures" integer NOT NULL,
	"sum_ms" double precision NOT NULL,
	"histogram" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "hourly_rollups_hour_series_dimension_pk" PRIMARY KEY("hour","series","dimension")
);
--> statement-breakpoint
CREATE TABLE "http_request_rollups" (
	"minute" timestamp with time zone NOT NULL,
	"route" text NOT NULL,
	"status" integer NOT NULL,
	"count" integer NOT NULL,
	"sum_ms" double precision NOT NULL,
	CONSTRAINT "http_request_rollups_minute_route_status_pk" PRIMARY KEY("minute","route","status")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"job" text PRIMARY KEY NOT NULL,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"last_result" jsonb,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "replays" (
	"replay_id" uuid PRIMARY KEY NOT NULL,
	"requested_by" text NOT NULL,
	"kind" text NOT NULL,
	"workflow_id" text,
	"filter" jsonb,
	"dry_run" boolean NOT NULL,
	"status" text NOT NULL,
	"summary" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_firing_per_rule_uq" ON "alerts" USING btree ("rule") WHERE status = 'firing';--> statement-breakpoint
CREATE INDEX "alerts_fired_idx" ON "alerts" USING btree ("fired_at");--> statement-breakpoint
CREATE INDEX "replays_created_idx" ON "replays" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "webhook_events_failed_idx" ON "webhook_events" USING btree ("received_at") WHERE processing_status = 'failed' or outcome = 'failure';--> statement-breakpoint
CREATE INDEX "webhook_events_agent_idx" ON "webhook_events" USING btree ("agent_id","received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_type_idx" ON "webhook_events" USING btree ("event_type","received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_payload_gin" ON "webhook_events" USING gin ("payload" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "webhook_rejections_reason_idx" ON "webhook_rejections" USING btree ("reason","received_at");--> statement-breakpoint
CREATE INDEX "workflows_first_event_idx" ON "workflows" USING btree ("first_event_at");