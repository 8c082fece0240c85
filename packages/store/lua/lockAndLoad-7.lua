--[[
  Takes the per-entity lock and reads what the worker needs to decide an event, in one round trip: the entity,
  the event's dedupe record, the entity's history, and its hold (whether the event is the blocker, released, or
  parked).

  KEYS[1] lock key     ({<kind>:<id>}:lock)
  KEYS[2] entity key   ({<kind>:<id>}:entity)
  KEYS[3] seen key     ({<kind>:<id>}:seen:<eventKey>)
  KEYS[4] history key  ({<kind>:<id>}:history)
  KEYS[5] hold key     ({<kind>:<id>}:hold)
  KEYS[6] parked key   ({<kind>:<id>}:parked)
  KEYS[7] released key ({<kind>:<id>}:released:<eventKey>)

  ARGV[1] lock token (unique per processing attempt)
  ARGV[2] lock TTL in milliseconds
  ARGV[3] event key

  Returns
    { 0 }  the lock is held by another token: nothing read
    { 1, entityJson|false, seen|false, history, holdJson|false, releasedJson|false, parkedEntryJson|false }
           the lock is ours (taken, or already ours and refreshed); the entity JSON (false: no entity yet), the
           dedupe record (false: event not seen), the history entries' JSON (oldest first), the hold (false: not
           on hold), the operator's release record of this event (false: not released) and this event's entry in
           the parked list (false: not parked)
]]
local lockKey, parkedKey = KEYS[1], KEYS[6]
local token = ARGV[1]
local ttl = tonumber(ARGV[2])
local eventKey = ARGV[3]

local holder = redis.call('GET', lockKey)
if holder and holder ~= token then
  return { 0 }
end
redis.call('SET', lockKey, token, 'PX', ttl)

local entity = redis.call('GET', KEYS[2])
local seen = redis.call('GET', KEYS[3])
local history = redis.call('LRANGE', KEYS[4], 0, -1)
local hold = redis.call('GET', KEYS[5])
local released = redis.call('GET', KEYS[7])
local parked = false
if hold then
  for _, raw in ipairs(redis.call('LRANGE', parkedKey, 0, -1)) do
    if cjson.decode(raw).eventKey == eventKey then
      parked = raw
      break
    end
  end
end
return { 1, entity, seen, history, hold, released, parked }
