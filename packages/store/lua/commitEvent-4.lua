--[[
  Commits the outcome of one event atomically: dedupe record, entity state, history entry, and releases the lock.
  Nothing is written unless the caller still holds the lock and the entity is still at the version it read.

  KEYS[1] entity key   ({<kind>:<id>}:entity)
  KEYS[2] history key  ({<kind>:<id>}:history)
  KEYS[3] seen key     ({<kind>:<id>}:seen:<eventKey>)
  KEYS[4] lock key     ({<kind>:<id>}:lock)

  ARGV[1] lock token
  ARGV[2] expected version (0: the entity did not exist)
  ARGV[3] new entity JSON with version = expected + 1, or '' when the entity does not change
  ARGV[4] history entry JSON
  ARGV[5] dedupe TTL in seconds
  ARGV[6] history limit (entries kept)
  ARGV[7] outcome: applied | late | conflict | duplicate
          (duplicate: the dedupe record, if it still exists, is left as it is)

  Returns one status string
    'committed'         everything written, lock released
    'lock_lost'         the lock is not held by this token (it expired): nothing written
    'version_mismatch'  the entity changed since it was read: nothing written
    'already_seen'      the event was committed by someone else meanwhile: nothing written
]]
local entityKey, historyKey, seenKey, lockKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token = ARGV[1]
local expectedVersion = tonumber(ARGV[2])
local newEntity = ARGV[3]
local historyEntry = ARGV[4]
local dedupeTtl = tonumber(ARGV[5])
local historyLimit = tonumber(ARGV[6])
local outcome = ARGV[7]

if redis.call('GET', lockKey) ~= token then
  return 'lock_lost'
end

local currentVersion = 0
local current = redis.call('GET', entityKey)
if current then
  currentVersion = tonumber(cjson.decode(current).version)
end
if currentVersion ~= expectedVersion then
  return 'version_mismatch'
end

if outcome ~= 'duplicate' then
  if redis.call('EXISTS', seenKey) == 1 then
    return 'already_seen'
  end
  redis.call('SET', seenKey, outcome, 'EX', dedupeTtl)
end

if newEntity ~= '' then
  redis.call('SET', entityKey, newEntity)
end

redis.call('RPUSH', historyKey, historyEntry)
redis.call('LTRIM', historyKey, -historyLimit, -1)
redis.call('DEL', lockKey)
return 'committed'
