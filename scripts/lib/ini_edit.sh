# ini_edit FILE OP...: edits an INI file of ours in place, keeping every
# other line (comments included). Used by the HA lab and the system test to
# derive their configurations from the shipped etc/*.ini, so that what they
# run is what the package installs, plus their own, listed, changes.
#
#   set:SECTION:KEY=VALUE   the first KEY line of [SECTION] becomes KEY = VALUE,
#                           other KEY lines there go; appended when absent
#   del:SECTION:KEY         every KEY line of [SECTION] goes
#   add:SECTION:KEY=VALUE   KEY = VALUE appended to [SECTION] (repeatable keys)
#
# SECTION is written as in its header: `global`, `instance VI_1`. A section
# that does not exist is created at the end of the file.
ini_edit() {
    local file=$1 ops='' op
    shift
    for op in "$@"; do ops+="$op"$'\n'; done
    awk -v ops="$ops" '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    function flush_section(s,   i) {
        if (s == "" || done[s]) return
        done[s] = 1
        for (i = 1; i <= nset[s]; i++) if (!emitted[s, setkey[s, i]]) print setkey[s, i] " = " setval[s, setkey[s, i]]
        for (i = 1; i <= nadd[s]; i++) print addline[s, i]
    }
    function flush_held() { if (held != "") { printf "%s", held; held = "" } }
    BEGIN {
        n = split(ops, list, "\n")
        for (i = 1; i <= n; i++) {
            if (list[i] == "") continue
            kind = substr(list[i], 1, 4); rest = substr(list[i], 5)
            sec = substr(rest, 1, index(rest, ":") - 1); kv = substr(rest, index(rest, ":") + 1)
            key = kv; val = ""
            if (index(kv, "=")) { key = substr(kv, 1, index(kv, "=") - 1); val = substr(kv, index(kv, "=") + 1) }
            sections[sec] = 1
            if (kind == "set:") { if (!((sec, key) in setval)) setkey[sec, ++nset[sec]] = key; setval[sec, key] = val }
            else if (kind == "del:") deleted[sec, key] = 1
            else if (kind == "add:") addline[sec, ++nadd[sec]] = key " = " val
            else { print "ini_edit: bad operation: " list[i] > "/dev/stderr"; exit 2 }
        }
        cur = ""
    }
    /^[ \t]*\[[^]]*\]/ {
        flush_section(cur)
        flush_held()
        line = $0; sub(/^[ \t]*\[/, "", line); sub(/\].*/, "", line)
        cur = trim(line); print; next
    }
    /^[ \t]*([;#].*)?$/ { held = held $0 "\n"; next }
    {
        flush_held()
        k = $0; sub(/=.*/, "", k); k = trim(k)
        if ((cur, k) in deleted) next
        if ((cur, k) in setval) {
            if (!emitted[cur, k]) { print k " = " setval[cur, k]; emitted[cur, k] = 1 }
            next
        }
        print
    }
    END {
        flush_section(cur)
        flush_held()
        for (s in sections) if (!done[s] && (nset[s] || nadd[s])) { print ""; print "[" s "]"; flush_section(s) }
    }' "$file" >"$file.tmp" && mv "$file.tmp" "$file"
}
