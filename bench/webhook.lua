-- wrk script: POST a distinct Baserow rows.created event per request (the inbox write path),
-- with a UUID event id as Baserow sends (anything else would measure the quarantine path).
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  thread_id = id
  secret = os.getenv("BENCH_WEBHOOK_SECRET")
  table_id = os.getenv("BENCH_PROJET_TABLE")
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"table_id": %s, "database_id": 1, "workspace_id": 1, "webhook_id": 7, ' ..
    '"event_id": "%08x-%04x-4%03x-8%03x-%012x", "event_type": "rows.created", ' ..
    '"items": [{"id": %d, "order": "1.00000000000000000000", "nom": "Bench"}]}',
    -- a UUID, as Baserow sends (anything else is quarantined): time, thread, counter
    table_id, os.time(), thread_id % 65536, 0, 0, counter, counter)
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["X-Bridge-Webhook-Secret"] = secret
  return wrk.format("POST", "/api/webhooks/baserow/projet-changed/", headers, body)
end
