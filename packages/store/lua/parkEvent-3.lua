--[[
  Parks an event behind its entity's blocker: adds it to the parked list in arrival order (receivedAt, then
  issueDatetime) unless it is there already, and releases the lock, in one step. Parking changes nothing else:
  no state, no history, no dedupe record. The event's payload stays in its events-queue job.

  An event that arrived BEFORE the blocker (two workers took the entity's events in the other order, and the
  later one failed first) takes the blocker's place instead: the blocker, which never committed, is parked in
  its arrival position (flagged `deadLettered` when it was), this event becomes the blocker (state 'draining'),
  and the lock stays with the caller, who decides the event now. So events apply in arrival order even then.

  KEYS[1] lock key   ({<kind>:<id>}:lock)
  KEYS[2] hold key   ({<kind>:<id>}:hold)
  KEYS[3] parked key ({<kind>:<id>}:parked)

  ARGV[1] lock token (the lock is released only if it still carries it)
  ARGV[2] parked entry JSON: { eventKey, eventType, issueDatetime, receivedAt, parkedAt } (parkedAt: now)

  Returns { outcome, position, count, added }
    'parked'       parked: 1-based position in the list, the list's length, 1 when this call added the entry
                   (0: it was parked already and is left where it was); the lock is released
    'preempted'    this event is the blocker now (position 0, count: the list's length, added 0); the lock is
                   still held
    'not_on_hold'  the entity is not on hold any more, or this event is its blocker: nothing written (decide it
                   instead); the lock is released all the same
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

local function before(a, b)
  if a.receivedAt ~= b.receivedAt then
    return a.receivedAt < b.receivedAt
  end
  return a.issueDatetime < b.issueDatetime
end

-- Inserts an entry JSON in arrival order (the list holds no entry of that event); returns its position.
local function insertInOrder(list, json, value)
  for index, raw in ipairs(list) do
    if before(value, cjson.decode(raw)) then
      redis.call('LINSERT', parkedKey, 'BEFORE', raw, json)
      return index
    end
  end
  redis.call('RPUSH', parkedKey, json)
  return #list + 1
end

local holdJson = redis.call('GET', holdKey)
local hold = holdJson and cjson.decode(holdJson)
if not hold or hold.blocker == entry.eventKey then
  releaseLock()
  return { 'not_on_hold', 0, 0, 0 }
end

local list = redis.call('LRANGE', parkedKey, 0, -1)
local ownIndex, ownRaw = nil, nil
for index, raw in ipairs(list) do
  if cjson.decode(raw).eventKey == entry.eventKey then
    ownIndex, ownRaw = index, raw
    break
  end
end

local blockerEntry = {
  eventKey = hold.blocker,
  eventType = hold.blockerType,
  issueDatetime = hold.issueDatetime,
  receivedAt = hold.receivedAt,
  parkedAt = entry.parkedAt,
}
if before(entry, blockerEntry) then
  if ownRaw then
    redis.call('LREM', parkedKey, 1, ownRaw)
    list = redis.call('LRANGE', parkedKey, 0, -1)
  end
  if hold.state == 'dead_lettered' then
    blockerEntry.deadLettered = true
  end
  insertInOrder(list, cjson.encode(blockerEntry), blockerEntry)
  redis.call('SET', holdKey, cjson.encode({
    blocker = entry.eventKey,
    blockerType = entry.eventType,
    issueDatetime = entry.issueDatetime,
    receivedAt = entry.receivedAt,
    since = entry.parkedAt,
    state = 'draining',
    attempts = 0,
  }))
  return { 'preempted', 0, redis.call('LLEN', parkedKey), 0 }
end

if ownRaw then
  -- Parked already. A parked entry flagged as dead-lettered whose job runs again (it was replayed) is alive.
  local own = cjson.decode(ownRaw)
  if own.deadLettered then
    own.deadLettered = nil
    redis.call('LSET', parkedKey, ownIndex - 1, cjson.encode(own))
  end
  releaseLock()
  return { 'parked', ownIndex, #list, 0 }
end

local position = insertInOrder(list, entryJson, entry)
releaseLock()
return { 'parked', position, #list + 1, 1 }
