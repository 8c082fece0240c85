-- Creates a named operator unless the name is taken: its record and its token's lookup, together.
-- KEYS[1] the operators hash; ARGV[1] name, ARGV[2] token hash, ARGV[3] the record (JSON).
-- Returns 1 when created, 0 when the name exists.
if redis.call('HEXISTS', KEYS[1], 'operator:' .. ARGV[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'operator:' .. ARGV[1], ARGV[3], 'token:' .. ARGV[2], ARGV[1])
return 1
