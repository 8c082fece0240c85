--[[
  The failure path of an attempt that took the entity's lock: puts the entity on hold behind this event (unless it
  is on hold already, or an operator released this event), records the attempt on the hold when this event is the
  blocker, and releases the lock, in one step, so no other event of the entity can take the lock between the
  release and the hold and overtake the failing one.

  KEYS[1] lock key     ({<kind>:<id>}:lock)
  KEYS[2] hold key     ({<kind>:<id>}:hold)
  KEYS[3] released key ({<kind>:<id>}:released:<eventKey>)
  KEYS[4] entity key   ({<kind>:<id>}:entity)
  KEYS[5] history key  ({<kind>:<id>}:history)

  ARGV[1] lock token (the lock is released only if it still carries it)
  ARGV[2] blocker JSON: { blocker, blockerType, issueDatetime, receivedAt } of this event
  ARGV[3] attempts made so far, this one included
  ARGV[4] the attempt's error ('' for none)
  ARGV[5] now (ISO time)

  Returns { outcome, holdJson }
    'held'         the entity was not on hold: it is now, behind this event (state 'retrying')
    'updated'      this event was the blocker already: attempts, lastError and state 'retrying' recorded
    'other_blocker' another event blocks the entity: the hold is left as it is
    'released'     an operator released this event: it holds nothing (the hold, if any, is left as it is)
    holdJson       the hold after the call ('' when there is none)

  An entity on hold never expires: when this call holds it (or records an attempt), the entity and its history
  lose any retention expiry; the commit or release that ends the hold sets it again.
]]
local lockKey, holdKey, releasedKey, entityKey, historyKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local token = ARGV[1]
local blocker = cjson.decode(ARGV[2])
local attempts = tonumber(ARGV[3])
local lastError = ARGV[4]
local now = ARGV[5]

if redis.call('GET', lockKey) == token then
  redis.call('DEL', lockKey)
end

local holdJson = redis.call('GET', holdKey)
if redis.call('EXISTS', releasedKey) == 1 then
  return { 'released', holdJson or '' }
end

local outcome
local hold
if not holdJson then
  outcome = 'held'
  hold = {
    blocker = blocker.blocker,
    blockerType = blocker.blockerType,
    issueDatetime = blocker.issueDatetime,
    receivedAt = blocker.receivedAt,
    since = now,
  }
else
  hold = cjson.decode(holdJson)
  if hold.blocker ~= blocker.blocker then
    return { 'other_blocker', holdJson }
  end
  outcome = 'updated'
end
hold.state = 'retrying'
hold.attempts = attempts
hold.lastFailedAt = now
if lastError ~= '' then
  hold.lastError = lastError
end
local encoded = cjson.encode(hold)
redis.call('SET', holdKey, encoded)
redis.call('PERSIST', entityKey)
redis.call('PERSIST', historyKey)
return { outcome, encoded }
