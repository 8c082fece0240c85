--[[
  Parks an event behind its entity's blocker: adds it to the parked list in arrival order (receivedAt, then
  issueDatetime) unless it is there already, and releases the lock, in one step. Parking changes nothing else:
  no state, no history, no dedupe record. The event's payload stays in its events-queue job.

  KEYS[1] lock key   ({<kind>:<id>}:lock)
  KEYS[2] hold key   ({<kind>:<id>}:hold)
  KEYS[3] parked key ({<kind>:<id>}:parked)

  ARGV[1] lock token (the lock is released only if it still carries it)
  ARGV[2] parked entry JSON: { eventKey, eventType, issueDatetime, receivedAt, parkedAt }

  Returns
    { 'parked', position, count, added }  parked: 1-based position in the list, the list's length, 1 when this
                                          call added the entry (0: it was parked already and is left as it was)
    { 'not_on_hold', 0, 0, 0 }            the entity is not on hold any more, or this event is its blocker:
                                          nothing written (decide it instead); the lock is released all the same
]]
local lockKey, holdKey, parkedKey = KEYS[1], KEYS[2], KEYS[3]
local token = ARGV[1]
local entryJson = ARGV[2]
local entry = cjson.decode(entryJson)

local function releaseLock()
  if redis.call('GET', lockKey) == token then
    redis.call('DEL', lockKey)
  end
end

local holdJson = redis.call('GET', holdKey)
if not holdJson or cjson.decode(holdJson).blocker == entry.eventKey then
  releaseLock()
  return { 'not_on_hold', 0, 0, 0 }
end

local function before(a, b)
  if a.receivedAt ~= b.receivedAt then
    return a.receivedAt < b.receivedAt
  end
  return a.issueDatetime < b.issueDatetime
end

local list = redis.call('LRANGE', parkedKey, 0, -1)
local insertBefore = nil
local position = #list + 1
for index, raw in ipairs(list) do
  local other = cjson.decode(raw)
  if other.eventKey == entry.eventKey then
    releaseLock()
    return { 'parked', index, #list, 0 }
  end
  if insertBefore == nil and before(entry, other) then
    insertBefore = raw
    position = index
  end
end

if insertBefore == nil then
  redis.call('RPUSH', parkedKey, entryJson)
else
  redis.call('LINSERT', parkedKey, 'BEFORE', insertBefore, entryJson)
end
releaseLock()
return { 'parked', position, #list + 1, 1 }
