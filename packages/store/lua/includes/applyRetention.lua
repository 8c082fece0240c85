-- Entity retention, for the scripts that end a hold or commit an entity (included with `--@include applyRetention`): an entity left in a settled status
-- (ARGV list) and not on hold expires, with its history, `retentionSeconds` from now; otherwise it keeps no expiry.
local function applyRetention(entityKey, historyKey, holdKey, settledJson, retentionSeconds)
  local entityJson = redis.call('GET', entityKey)
  if not entityJson then
    return
  end
  local status = cjson.decode(entityJson).status
  local settled = false
  for _, candidate in ipairs(cjson.decode(settledJson)) do
    if candidate == status then
      settled = true
    end
  end
  if settled and redis.call('EXISTS', holdKey) == 0 then
    redis.call('EXPIRE', entityKey, retentionSeconds)
    redis.call('EXPIRE', historyKey, retentionSeconds)
  else
    redis.call('PERSIST', entityKey)
    redis.call('PERSIST', historyKey)
  end
end
