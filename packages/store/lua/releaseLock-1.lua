--[[
  Releases the per-entity lock if, and only if, it is still held by the given token (compare-and-delete).

  KEYS[1] lock key ({<kind>:<id>}:lock)
  ARGV[1] lock token

  Returns 1 when the lock was released, 0 when it was not ours (expired or taken by another worker).
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
