--[[
  Takes the per-entity lock and reads what the worker needs to decide an event, in one round trip.

  KEYS[1] lock key     ({<kind>:<id>}:lock)
  KEYS[2] entity key   ({<kind>:<id>}:entity)
  KEYS[3] seen key     ({<kind>:<id>}:seen:<eventKey>)
  KEYS[4] history key  ({<kind>:<id>}:history)

  ARGV[1] lock token (unique per processing attempt)
  ARGV[2] lock TTL in milliseconds

  Returns
    { 0 }                                        the lock is held by another token: nothing read
    { 1, entityJson|false, seen|false, history } the lock is ours (taken, or already ours and refreshed); the
                                                 entity JSON (false: no entity yet), the dedupe record (false:
                                                 event not seen) and the history entries' JSON, oldest first
]]
local lockKey = KEYS[1]
local token = ARGV[1]
local ttl = tonumber(ARGV[2])

local holder = redis.call('GET', lockKey)
if holder and holder ~= token then
  return { 0 }
end
redis.call('SET', lockKey, token, 'PX', ttl)

local entity = redis.call('GET', KEYS[2])
local seen = redis.call('GET', KEYS[3])
local history = redis.call('LRANGE', KEYS[4], 0, -1)
return { 1, entity, seen, history }
