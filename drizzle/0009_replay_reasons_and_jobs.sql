CREATE TABLE "replay_jobs" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"plan" jsonb NOT NULL,
	"only_if_status_in" jsonb,
	"cursor" integer DEFAULT 0 NOT NULL,
	"workflows_total" integer NOT NULL,
	"matched" integer NOT NULL,
	"selected" integer NOT NULL,
	"over_cap" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"unknown_event_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"cancel_requested_at" timestamp with time zone,
	"cancel_requested_by" text,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "replays" ADD COLUMN "reason" text;--> statement-breakpoint
CREATE INDEX "replay_jobs_state_idx" ON "replay_jobs" USING btree ("state","created_at");