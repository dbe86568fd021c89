-- table.sort on numbers, strings and records with comparators; checksums.
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end
local t = {}
for i = 1, 20000 do t[i] = rand(1000000) end
table.sort(t)
local ok = true
for i = 2, #t do if t[i - 1] > t[i] then ok = false end end
print("ints sorted", ok, t[1], t[#t], t[10000])

table.sort(t, function(a, b) return a > b end)
print("desc", t[1], t[#t])

local words = {}
for i = 1, 3000 do
  local w = {}
  for j = 1, 1 + rand(8) do w[j] = string.char(97 + rand(26)) end
  words[i] = table.concat(w)
end
table.sort(words)
print("words", words[1], words[2], words[#words], #words)

local recs = {}
for i = 1, 5000 do recs[i] = {id = i, score = rand(100), name = words[1 + rand(#words)]} end
table.sort(recs, function(a, b)
  if a.score ~= b.score then return a.score > b.score end
  if a.name ~= b.name then return a.name < b.name end
  return a.id < b.id
end)
local h = 0
for i, r in ipairs(recs) do h = (h * 31 + r.id * i) % 1000000007 end
print("records", recs[1].score, recs[1].name, recs[#recs].score, h)

local fl = {}
for i = 1, 2000 do fl[i] = (rand(100000) - 50000) / 7 end
table.sort(fl)
print(string.format("floats %.6f %.6f %.6f", fl[1], fl[1000], fl[2000]))
print(pcall(table.sort, {3, 1, "x"}))
print(table.concat({table.unpack({5, 4, 3, 2, 1}, 2, 4)}, ","), table.move({1, 2, 3}, 1, 3, 2)[3])
