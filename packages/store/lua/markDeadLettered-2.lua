--[[
  Records on the hold that its blocker was dead-lettered: the entity stays on hold until the entry is replayed and
  committed, or an operator releases it. Does nothing when the event is not the blocker.

  KEYS[1] hold key   ({<kind>:<id>}:hold)
  KEYS[2] parked key ({<kind>:<id>}:parked)

  ARGV[1] event key
  ARGV[2] now (ISO time)

  Returns { outcome, parkedCount }
    'marked'       the event is the blocker: state 'dead_lettered', deadLetteredAt = now
    'not_blocker'  the entity is not on hold, or behind another event: nothing written
    parkedCount    how many events wait behind the hold (0 when not marked)
]]
local holdKey, parkedKey = KEYS[1], KEYS[2]
local eventKey = ARGV[1]
local now = ARGV[2]

local holdJson = redis.call('GET', holdKey)
if not holdJson then
  return { 'not_blocker', 0 }
end
local hold = cjson.decode(holdJson)
if hold.blocker ~= eventKey then
  return { 'not_blocker', 0 }
end
hold.state = 'dead_lettered'
hold.deadLetteredAt = now
redis.call('SET', holdKey, cjson.encode(hold))
return { 'marked', redis.call('LLEN', parkedKey) }
