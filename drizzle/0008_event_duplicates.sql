CREATE TABLE "webhook_event_duplicates" (
	"event_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"copies" integer NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "webhook_event_duplicates_event_id_minute_pk" PRIMARY KEY("event_id","minute")
);
--> statement-breakpoint
ALTER TABLE "webhook_event_duplicates" ADD CONSTRAINT "webhook_event_duplicates_event_id_webhook_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."webhook_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_event_duplicates_minute_idx" ON "webhook_event_duplicates" USING btree ("minute");