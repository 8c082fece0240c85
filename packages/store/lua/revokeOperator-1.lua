-- Revokes a named operator: its record and its token's lookup go together, so the token fails at once.
-- KEYS[1] the operators hash; ARGV[1] name. Returns 1 when revoked, 0 when there was no such operator.
local json = redis.call('HGET', KEYS[1], 'operator:' .. ARGV[1])
if not json then
  return 0
end
local record = cjson.decode(json)
redis.call('HDEL', KEYS[1], 'operator:' .. ARGV[1], 'token:' .. record.tokenHash)
return 1
