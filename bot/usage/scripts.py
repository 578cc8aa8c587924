"""The usage ledger's Lua scripts (`bot.usage.ledger`): one write per model call, the event and every aggregate
it belongs to together, with their expiry."""

from __future__ import annotations

from bot.usage.event import METRICS

# KEYS: the aggregate hashes (day ones first), then the stream.
# ARGV: 1 how many day keys, 2 day TTL, 3 month TTL, then one amount per metric (METRICS, in order), one dimension
# value per hash key, the stream's approximate MAXLEN, and the raw event as JSON (one stream field, "event").
# The metric names are part of the script, not arguments: fewer arguments to encode on every call.
# RECORD_ONCE (a buffered or spilled event, which may be written twice: a retry after a lost reply, a replay after a
# crash) adds KEYS: its once-key last, ARGV: the once-key's TTL last, and writes nothing when the key exists.
METRIC_NAMES = ", ".join(f"'{m}'" for m in METRICS)
BODY = f"""
local metrics = {{{METRIC_NAMES}}}
local nm = #metrics
local nhash = #KEYS - NEXTRA
local nday, dayttl, monthttl = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local vbase = 3 + nm
for i = 1, nhash do
  local value = ARGV[vbase + i]
  for j = 1, nm do
    local amount = tonumber(ARGV[3 + j])
    if amount ~= 0 then redis.call('HINCRBY', KEYS[i], value .. '|' .. metrics[j], amount) end
  end
  if i <= nday then redis.call('EXPIRE', KEYS[i], dayttl) else redis.call('EXPIRE', KEYS[i], monthttl) end
end
local sbase = vbase + nhash
redis.call('XADD', KEYS[nhash + 1], 'MAXLEN', '~', ARGV[sbase + 1], '*', 'event', ARGV[sbase + 2])
return 1
"""
RECORD = BODY.replace("NEXTRA", "1")
RECORD_ONCE = (
    "if not redis.call('SET', KEYS[#KEYS], '1', 'NX', 'EX', ARGV[#ARGV]) then return 0 end\n"
    + BODY.replace("NEXTRA", "2")
)
