--[[
  An operator releases an entity's hold: only when the given event is its blocker. Records the release (a history
  entry, and a `released` record so the event, if it is processed later, is decided normally: it neither parks nor
  blocks again), then advances the hold as commitEvent-8.lua does for a committed blocker: the first parked event
  becomes the blocker (state 'draining'), or the hold ends.

  KEYS[1] hold key     ({<kind>:<id>}:hold)
  KEYS[2] parked key   ({<kind>:<id>}:parked)
  KEYS[3] released key ({<kind>:<id>}:released:<eventKey>)
  KEYS[4] history key  ({<kind>:<id>}:history)
  KEYS[5] entity key   ({<kind>:<id>}:entity)

  ARGV[1] event key (the blocker the operator saw)
  ARGV[2] release JSON: { action: 'discard'|'skip', reason, operator, at } (stored as the released record)
  ARGV[3] released record TTL in seconds (the dedupe TTL)
  ARGV[4] history limit (entries kept)
  ARGV[5] the entity kind's settled statuses (JSON array), as commitEvent-8.lua's ARGV[10]
  ARGV[6] entity retention in seconds, as commitEvent-8.lua's ARGV[11]: when the release ends the hold, a settled
          entity starts its retention (it kept no expiry while on hold)

  Returns { outcome, hold, nextBlocker }
    'released'      done; hold 'advanced' (nextBlocker: the new blocker's event key) or 'cleared' ('')
    'not_on_hold'   the entity is not on hold: nothing written
    'not_blocker'   another event blocks the entity (nextBlocker: that event's key): nothing written
]]
local holdKey, parkedKey, releasedKey, historyKey, entityKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local eventKey = ARGV[1]
local releaseJson = ARGV[2]
local releasedTtl = tonumber(ARGV[3])
local historyLimit = tonumber(ARGV[4])
local settledJson = ARGV[5]
local retentionSeconds = tonumber(ARGV[6])

--@include applyRetention
--@include advanceHold

local holdJson = redis.call('GET', holdKey)
if not holdJson then
  return { 'not_on_hold', 'none', '' }
end
local hold = cjson.decode(holdJson)
if hold.blocker ~= eventKey then
  return { 'not_blocker', 'none', hold.blocker }
end
local release = cjson.decode(releaseJson)

local status = cjson.null
local entityJson = redis.call('GET', entityKey)
if entityJson then
  status = cjson.decode(entityJson).status
end

redis.call('SET', releasedKey, releaseJson, 'EX', releasedTtl)
redis.call('RPUSH', historyKey, cjson.encode({
  eventKey = eventKey,
  eventType = hold.blockerType,
  issueDatetime = hold.issueDatetime,
  receivedAt = hold.receivedAt,
  processedAt = release.at,
  outcome = 'released',
  fromStatus = status,
  toStatus = status,
  release = release,
}))
redis.call('LTRIM', historyKey, -historyLimit, -1)

local holdState, nextBlocker = advanceHold(holdKey, parkedKey, release.at)
if holdState == 'cleared' then
  applyRetention(entityKey, historyKey, holdKey, settledJson, retentionSeconds)
end
return { 'released', holdState, nextBlocker }
