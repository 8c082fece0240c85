-- Advances an entity's hold past its blocker (included with `--@include advanceHold`): the first parked event
-- becomes the blocker and 'advanced' is returned with its event key, or the hold ends ('cleared', '') when
-- nothing is parked. `since` is when the new blocker took the place.
local function advanceHold(holdKey, parkedKey, since)
  local nextRaw = redis.call('LPOP', parkedKey)
  if not nextRaw then
    redis.call('DEL', holdKey)
    return 'cleared', ''
  end
  local nextEntry = cjson.decode(nextRaw)
  -- A parked entry flagged deadLettered (a blocker an earlier-arrived event took the place of) is in the
  -- dead-letter queue: the hold says so, so that an operator replays or releases it.
  redis.call('SET', holdKey, cjson.encode({
    blocker = nextEntry.eventKey,
    blockerType = nextEntry.eventType,
    issueDatetime = nextEntry.issueDatetime,
    receivedAt = nextEntry.receivedAt,
    since = since,
    state = nextEntry.deadLettered and 'dead_lettered' or 'draining',
    attempts = 0,
  }))
  return 'advanced', nextEntry.eventKey
end
