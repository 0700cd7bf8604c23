CREATE TABLE "alert_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "alert_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"alert_id" uuid,
	"rule" text NOT NULL,
	"silence_id" uuid,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"note" text,
	"details" jsonb,
	"at" timestamp with time zone NOT NULL,
	"notify_state" text DEFAULT 'none' NOT NULL,
	"notified_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "alert_silences" (
	"id" uuid PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"reason" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"lifted_at" timestamp with time zone,
	"lifted_by" text,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledged_by" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledge_note" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "firing_suppressed_by" uuid;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "resolved_suppressed_by" uuid;--> statement-breakpoint
CREATE INDEX "alert_events_alert_idx" ON "alert_events" USING btree ("alert_id","seq");--> statement-breakpoint
CREATE INDEX "alert_events_rule_idx" ON "alert_events" USING btree ("rule","seq");--> statement-breakpoint
CREATE INDEX "alert_events_due_idx" ON "alert_events" USING btree ("seq") WHERE notify_state = 'due';--> statement-breakpoint
CREATE UNIQUE INDEX "alert_silences_one_open_per_rule_uq" ON "alert_silences" USING btree ("rule") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "alert_silences_created_idx" ON "alert_silences" USING btree ("created_at");