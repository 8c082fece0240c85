--[[
  Compare-and-set of the circuit breaker's state: writes the new state only if the stored one is still the one the
  worker read (so two workers moving the breaker at once cannot both win).

  KEYS[1] breaker key (<prefix>:breaker)
  ARGV[1] the state read ('' = absent, i.e. closed)
  ARGV[2] the new state ('' = delete: closed)
  ARGV[3] its TTL in milliseconds

  Returns 1 when written, 0 when the stored state had changed.
]]
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
