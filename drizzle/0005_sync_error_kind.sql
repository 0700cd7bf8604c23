ALTER TABLE "sync_requests" ADD COLUMN "error_kind" text;--> statement-breakpoint
ALTER TABLE "sync_requests" DROP COLUMN "http_status";