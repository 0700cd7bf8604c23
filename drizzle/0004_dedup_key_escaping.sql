-- `ev:<workflow_id>:<event_id>` was ambiguous when an id held a colon
-- (workflow `a:b` + event `c` and workflow `a` + event `b:c` shared a key, and
-- the second event was answered as a duplicate without being stored). Each id
-- is now escaped (`%` -> `%25`, `:` -> `%3A`), which leaves every key whose ids
-- hold neither unchanged. Rewritten in two steps: the unique index is checked
-- row by row, and a half-done rewrite could otherwise meet another row's old key.
UPDATE "webhook_events" SET "dedup_key" = 'rekey:' || "id"
WHERE "dedup_key" LIKE 'ev:%' AND "source_event_id" IS NOT NULL
  AND (strpos("workflow_id", ':') > 0 OR strpos("workflow_id", '%') > 0 OR strpos("source_event_id", ':') > 0 OR strpos("source_event_id", '%') > 0);
--> statement-breakpoint
UPDATE "webhook_events"
SET "dedup_key" = 'ev:' || replace(replace("workflow_id", '%', '%25'), ':', '%3A') || ':' || replace(replace("source_event_id", '%', '%25'), ':', '%3A')
WHERE "dedup_key" LIKE 'rekey:%';
