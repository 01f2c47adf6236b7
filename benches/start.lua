-- wrk script: `/start` from 10,000 private chats, every request a distinct update (unique
-- update_id per thread), so every request is owed a reply.
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- update_id is a u32 in the Bot API: give each thread (and each wrk, BVC_WRK_NO) its own range.
  local wrk_no = tonumber(os.getenv("BVC_WRK_NO") or "0")
  counter = (wrk_no * 4 + thread_no) * 100000000 % 4000000000 + math.floor(os.time() % 100000) * 100
end

request = function()
  counter = counter + 1
  local user = counter % 10000 + 1
  local body = string.format(
    '{"update_id":%d,"message":{"message_id":%d,"date":1763856000,' ..
    '"chat":{"id":%d,"type":"private","first_name":"Load"},' ..
    '"from":{"id":%d,"is_bot":false,"first_name":"Load","language_code":"en"},"text":"/start",' ..
    '"entities":[{"offset":0,"length":6,"type":"bot_command"}]}}',
    counter, counter % 100000, user, user)
  return wrk.format("POST", "/telegram/webhook", {["Content-Type"] = "application/json"}, body)
end
