--[[
  Commits the outcome of one event atomically: dedupe record, entity state, history entry, the event-log record,
  and releases the lock.
  Nothing is written unless the caller still holds the lock and the entity is still at the version it read.
  While the entity is on hold, only its blocker (or an event an operator released, or a duplicate, which changes
  nothing) may commit; committing the blocker advances the hold: the first parked event becomes the blocker
  (state 'draining', or 'dead_lettered' when its entry says it was), or the hold ends when nothing is parked. The advance is the same as releaseHold-5.lua's.

  KEYS[1] entity key   ({<kind>:<id>}:entity)
  KEYS[2] history key  ({<kind>:<id>}:history)
  KEYS[3] seen key     ({<kind>:<id>}:seen:<eventKey>)
  KEYS[4] lock key     ({<kind>:<id>}:lock)
  KEYS[5] hold key     ({<kind>:<id>}:hold)
  KEYS[6] parked key   ({<kind>:<id>}:parked)
  KEYS[7] released key ({<kind>:<id>}:released:<eventKey>)
  KEYS[8] event-log stream ({<prefix>}:eventlog)

  ARGV[1] lock token
  ARGV[2] expected version (0: the entity did not exist)
  ARGV[3] new entity JSON with version = expected + 1, or '' when the entity does not change
  ARGV[4] history entry JSON
  ARGV[5] dedupe TTL in seconds
  ARGV[6] history limit (entries kept)
  ARGV[7] outcome: applied | late | conflict | duplicate
          (duplicate: the dedupe record, if it still exists, is left as it is)
  ARGV[8] event key
  ARGV[9] now (ISO time: the next blocker's `since`)
  ARGV[10] the entity kind's settled statuses (JSON array: terminal, or where a known flow ends)
  ARGV[11] entity retention in seconds (ENTITY_RETENTION_DAYS)
  ARGV[12] the event-log record (JSON) appended to KEYS[8] with the commit, or '' when the event log is off

  Retention: after a commit, an entity in a settled status and not on hold (after the hold advanced) expires with
  its history ARGV[11] seconds later; any other commit removes their expiry. Dedupe records keep their own TTL.

  Returns { status, hold, nextBlocker }
    status       'committed'         everything written, lock released
                 'lock_lost'         the lock is not held by this token (it expired): nothing written
                 'version_mismatch'  the entity changed since it was read: nothing written
                 'already_seen'      the event was committed by someone else meanwhile: nothing written
                 'on_hold'           another event blocks the entity: nothing written, the lock is still held
    hold         'none' (this commit was not the blocker's) | 'advanced' (a parked event is the blocker now) |
                 'cleared' (the hold ended); 'none' unless committed
    nextBlocker  the new blocker's event key when 'advanced', else ''
]]
local entityKey, historyKey, seenKey, lockKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local holdKey, parkedKey, releasedKey, eventLogKey = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local token = ARGV[1]
local expectedVersion = tonumber(ARGV[2])
local newEntity = ARGV[3]
local historyEntry = ARGV[4]
local dedupeTtl = tonumber(ARGV[5])
local historyLimit = tonumber(ARGV[6])
local outcome = ARGV[7]
local eventKey = ARGV[8]
local now = ARGV[9]
local settledJson = ARGV[10]
local retentionSeconds = tonumber(ARGV[11])
local eventLogRecord = ARGV[12]

--@include applyRetention
--@include advanceHold

if redis.call('GET', lockKey) ~= token then
  return { 'lock_lost', 'none', '' }
end

local currentVersion = 0
local current = redis.call('GET', entityKey)
if current then
  currentVersion = tonumber(cjson.decode(current).version)
end
if currentVersion ~= expectedVersion then
  return { 'version_mismatch', 'none', '' }
end

local holdJson = redis.call('GET', holdKey)
local hold = holdJson and cjson.decode(holdJson)
local isBlocker = hold and hold.blocker == eventKey
if hold and not isBlocker and outcome ~= 'duplicate' and redis.call('EXISTS', releasedKey) == 0 then
  return { 'on_hold', 'none', '' }
end

if outcome ~= 'duplicate' then
  if redis.call('EXISTS', seenKey) == 1 then
    return { 'already_seen', 'none', '' }
  end
  redis.call('SET', seenKey, outcome, 'EX', dedupeTtl)
end

if newEntity ~= '' then
  redis.call('SET', entityKey, newEntity)
end

redis.call('RPUSH', historyKey, historyEntry)
redis.call('LTRIM', historyKey, -historyLimit, -1)
redis.call('DEL', lockKey)
if eventLogRecord ~= '' then
  redis.call('XADD', eventLogKey, '*', 'r', eventLogRecord)
end

if not isBlocker then
  applyRetention(entityKey, historyKey, holdKey, settledJson, retentionSeconds)
  return { 'committed', 'none', '' }
end
local holdState, nextBlocker = advanceHold(holdKey, parkedKey, now)
if holdState == 'cleared' then
  applyRetention(entityKey, historyKey, holdKey, settledJson, retentionSeconds)
end
return { 'committed', holdState, nextBlocker }
