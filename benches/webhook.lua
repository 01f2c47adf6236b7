-- wrk script: every request is a distinct private-chat text update (unique update_id per thread).
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- update_id is a u32 in the Bot API: give each thread its own range.
  counter = thread_no * 100000000 + math.floor(os.time() % 100000) * 100
end

request = function()
  counter = counter + 1
  local user = counter % 1000 + 1
  local body = string.format(
    '{"update_id":%d,"message":{"message_id":%d,"date":1763856000,' ..
    '"chat":{"id":%d,"type":"private","first_name":"Load"},' ..
    '"from":{"id":%d,"is_bot":false,"first_name":"Load","language_code":"en"},"text":"hello"}}',
    counter, counter % 100000, user, user)
  return wrk.format("POST", "/telegram/webhook", {["Content-Type"] = "application/json"}, body)
end
