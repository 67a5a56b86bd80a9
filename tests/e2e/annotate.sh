#!/bin/sh
# morgue annotate: proposals on a small archive, --accept writing an
# entity file and annotation files, `morgue check` clean afterwards,
# --commit making a commit that names what was accepted, the rebuild
# linking the new entity; and the sample archive proposes without error.
set -u
. "$(dirname "$0")/lib.sh"
R=$TMP/archive
new_repo "$R"
article "$R" 2020/engine "The Engine" 2020-03-01 "Ada Lovelace met Charles Babbage in London. Later Babbage showed her the engine, and Charles Babbage smiled.

The inventor of the engine was pleased."
article "$R" 2020/notes "Notes" 2020-03-02 "Charles Babbage wrote notes. Lovelace translated them."
commit "$R" "two articles"
g -C "$R" config user.name "Archivist"
g -C "$R" config user.email "archivist@example.org"

# proposals
"$MORGUE" annotate "$R" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^ *3  Charles Babbage (person?) in 2020/engine, 2020/notes$' "$TMP/out"; then
	pass "annotate proposes a missing person with its count and articles"
else
	fail "annotate proposes a missing person with its count and articles" "rc=$rc $(head -5 "$TMP/out" "$TMP/err")"
fi
if grep -q "entity:Charles Babbage:person" "$TMP/out" &&
   grep -q "unanchored \"Lovelace\" (ada-lovelace)" "$TMP/out" &&
   grep -q "mention:2020/notes:Lovelace:ada-lovelace" "$TMP/out"; then
	pass "annotate lists the unanchored surname with its --accept argument"
else
	fail "annotate lists the unanchored surname with its --accept argument" "$(cat "$TMP/out")"
fi
if grep -Eq 'Ada Lovelace|^ *[0-9]+  Lovelace|Later' "$TMP/out"; then
	fail "annotate never proposes registered names or sentence openers" "$(cat "$TMP/out")"
else
	pass "annotate never proposes registered names or sentence openers"
fi
"$MORGUE" annotate "$R" --json 2>/dev/null | $PYTHON -c '
import json, sys
d = json.load(sys.stdin)
c = [x for x in d["candidates"] if x["name"] == "Charles Babbage"]
assert c and c[0]["count"] == 3 and c[0]["articles"] == ["2020/engine", "2020/notes"], c
assert any(u["kind"] == "unanchored" and u["text"] == "Lovelace" for u in d["unsure"]), d
' >/dev/null 2>&1 && pass "annotate --json" || fail "annotate --json" "bad JSON or content"
"$MORGUE" annotate "$R" 2020/engine >"$TMP/one" 2>&1
if grep -q "Charles Babbage" "$TMP/one" && ! grep -q "2020/notes:" "$TMP/one"; then
	pass "annotate ARTICLE limits unsure mentions to that article"
else
	fail "annotate ARTICLE limits unsure mentions to that article" "$(cat "$TMP/one")"
fi
"$MORGUE" annotate "$R" 2020/nope >/dev/null 2>&1
[ $? -eq 3 ] && pass "annotate: an unknown article is an error" ||
	fail "annotate: an unknown article is an error" "wrong exit status"
"$MORGUE" annotate "$R" --accept 'bogus:x' >/dev/null 2>&1
[ $? -eq 2 ] && pass "annotate: a malformed --accept is misuse" ||
	fail "annotate: a malformed --accept is misuse" "wrong exit status"
"$MORGUE" annotate "$R" --accept 'mention:2020/notes:Lovelace:no-such-entity' >/dev/null 2>&1
rc=$?
if [ $rc -eq 1 ] && [ ! -e "$R/annotations/2020/notes.yaml" ]; then
	pass "annotate: an unknown slug is refused, nothing written"
else
	fail "annotate: an unknown slug is refused, nothing written" "rc=$rc"
fi

# accept and commit
before=$(git -C "$R" rev-parse HEAD)
"$MORGUE" annotate "$R" --accept 'entity:Charles Babbage:person' \
	--accept 'mention:2020/engine:The inventor of the engine:charles-babbage' \
	--accept 'mention:2020/notes:Lovelace:ada-lovelace' --commit >"$TMP/acc" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^name: "Charles Babbage"$' "$R/entities/people/charles-babbage.md" &&
   grep -q '^type: person$' "$R/entities/people/charles-babbage.md"; then
	pass "--accept entity writes entities/people/charles-babbage.md"
else
	fail "--accept entity writes entities/people/charles-babbage.md" "rc=$rc $(cat "$TMP/acc")"
fi
if grep -q 'entity: charles-babbage' "$R/annotations/2020/engine.yaml" 2>/dev/null &&
   grep -q 'exact: "The inventor of the engine"' "$R/annotations/2020/engine.yaml" &&
   grep -q 'exact: "Lovelace"' "$R/annotations/2020/notes.yaml" 2>/dev/null &&
   grep -q 'suffix: " translated them."' "$R/annotations/2020/notes.yaml"; then
	pass "--accept mention writes anchored annotation files"
else
	fail "--accept mention writes anchored annotation files" "$(cat "$R"/annotations/2020/*.yaml 2>&1)"
fi
after=$(git -C "$R" rev-parse HEAD)
msg=$(git -C "$R" log -1 --format=%B)
if [ "$before" != "$after" ] && [ "$(git -C "$R" rev-parse HEAD~1)" = "$before" ] &&
   echo "$msg" | head -1 | grep -q '^annotate: add Charles Babbage; 2 mentions$' &&
   echo "$msg" | grep -q 'mention "Lovelace" (occurrence 1) -> ada-lovelace in 2020/notes' &&
   [ "$(git -C "$R" log -1 --format=%an)" = Archivist ]; then
	pass "--commit makes a commit naming what was accepted, as the configured user"
else
	fail "--commit makes a commit naming what was accepted, as the configured user" "$msg"
fi
files=$(git -C "$R" show --name-only --format= HEAD | sort | tr '\n' ' ')
[ "$files" = "annotations/2020/engine.yaml annotations/2020/notes.yaml entities/people/charles-babbage.md " ] &&
	[ -z "$(git -C "$R" status --porcelain)" ] &&
	pass "the commit holds exactly the written files; work tree clean" ||
	fail "the commit holds exactly the written files; work tree clean" "$files / $(git -C "$R" status --porcelain)"
"$MORGUE" check "$R" >"$TMP/check" 2>&1 &&
	grep -q '0 errors, 0 warnings' "$TMP/check" &&
	pass "morgue check passes after accepting" ||
	fail "morgue check passes after accepting" "$(cat "$TMP/check")"
if "$MORGUE" build "$R" -o "$TMP/site" --quiet >/dev/null 2>&1 &&
   [ "$(grep -o 'data-entity="charles-babbage"' "$TMP/site/articles/2020/engine.html" | wc -l)" -eq 3 ] &&
   grep -q 'data-entity="ada-lovelace"[^>]*>Lovelace<' "$TMP/site/articles/2020/notes.html" &&
   [ -f "$TMP/site/entities/charles-babbage.html" ]; then
	pass "rebuild links the new entity and the stand-off mentions"
else
	fail "rebuild links the new entity and the stand-off mentions" "see $TMP/site"
fi
"$MORGUE" annotate "$R" >"$TMP/out2" 2>&1
grep -q 'Candidate entities (1)' "$TMP/out2" && grep -q 'Unsure mentions (0)' "$TMP/out2" &&
	pass "after accepting, only London is left to propose" ||
	fail "after accepting, only London is left to propose" "$(cat "$TMP/out2")"

# an entity file is never overwritten; the same mention twice adds nothing
"$MORGUE" annotate "$R" --accept 'entity:Charles Babbage:person' >/dev/null 2>&1
[ $? -eq 1 ] && pass "an existing entity is never overwritten" ||
	fail "an existing entity is never overwritten" "accepted twice"
"$MORGUE" annotate "$R" --accept 'mention:2020/notes:Lovelace:ada-lovelace' >"$TMP/dup" 2>&1
grep -q "already has this entry" "$TMP/dup" && [ -z "$(git -C "$R" status --porcelain)" ] &&
	pass "the same mention twice changes nothing" ||
	fail "the same mention twice changes nothing" "$(cat "$TMP/dup")"

# a suppression, committed without a configured user
article "$R" 2020/third "Third" 2020-03-03 "Charles Babbage and Charles Babbage again."
commit "$R" "third"
HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 \
	"$MORGUE" annotate "$R" --accept 'suppress:2020/third:Charles Babbage:charles-babbage:2' \
	--commit -m "annotate: not him" >"$TMP/sup" 2>&1
g -C "$R" config --unset user.name
g -C "$R" config --unset user.email
HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 \
	"$MORGUE" annotate "$R" --accept 'suppress:2020/third:Charles Babbage:charles-babbage:2' \
	--commit >>"$TMP/sup" 2>&1
"$MORGUE" build "$R" -o "$TMP/site2" --quiet >/dev/null 2>&1
n=$(grep -o 'data-entity="charles-babbage"' "$TMP/site2/articles/2020/third.html" 2>/dev/null | wc -l)
an=$(git -C "$R" log -1 --format='%an <%ae> %s')
if [ "$n" -eq 1 ] && [ "$an" = "Archivist <archivist@example.org> annotate: not him" ]; then
	pass "suppress:...:N unlinks the second occurrence; -m sets the message"
else
	fail "suppress:...:N unlinks the second occurrence; -m sets the message" "n=$n $an $(cat "$TMP/sup")"
fi
grep -q "already has this entry" "$TMP/sup" &&
	pass "nothing new to commit is said so" ||
	fail "nothing new to commit is said so" "$(cat "$TMP/sup")"
article "$R" 2020/fourth "Fourth" 2020-03-04 "Ada Lovelace. Then Lovelace and Lovelace."
commit "$R" "fourth"
g -C "$R" config --unset user.name 2>/dev/null
HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 \
	"$MORGUE" annotate "$R" --accept 'suppress:2020/fourth:Lovelace:ada-lovelace:2' --commit >"$TMP/anon" 2>&1
[ "$(git -C "$R" log -1 --format='%an <%ae>')" = "morgue <morgue@localhost>" ] &&
	pass "without a configured user the commit is by morgue <morgue@localhost>" ||
	fail "without a configured user the commit is by morgue <morgue@localhost>" "$(git -C "$R" log -1 --format='%an <%ae>') $(cat "$TMP/anon")"

# attributions: an unattributed quotation and an anonymous source proposed;
# attribution: and unattribute: accepted, the build marks / drops them
article "$R" 2020/quotes "Quotes" 2020-03-05 "Ada Lovelace visited the works on Monday. “The engine will change how every office in the country keeps its accounts,” a note on the door read.

People familiar with the plan said the engine would be delivered in the spring."
commit "$R" "quotes"
Q='The engine will change how every office in the country keeps its accounts'
"$MORGUE" annotate "$R" 2020/quotes >"$TMP/attr" 2>&1
if grep -q 'Attributions to review (2)' "$TMP/attr" &&
   grep -q '2020/quotes: unattributed quote (source: ada-lovelace?)' "$TMP/attr" &&
   grep -qF -- "--accept 'attribution:2020/quotes:$Q:ada-lovelace'" "$TMP/attr" &&
   grep -q '2020/quotes: anonymous "People familiar with the plan" (anonymous, cue "said")' "$TMP/attr" &&
   grep -qF -- "--accept 'unattribute:2020/quotes:the engine would be delivered in the spring'" "$TMP/attr"; then
	pass "annotate proposes an unattributed quote and an anonymous source"
else
	fail "annotate proposes an unattributed quote and an anonymous source" "$(cat "$TMP/attr")"
fi
"$MORGUE" annotate "$R" --json 2020/quotes 2>/dev/null | $PYTHON -c '
import json, sys
d = json.load(sys.stdin)
a = d["attributions"]
assert [x["kind"] for x in a] == ["unattributed", "anonymous"], a
assert a[1]["source"] == "anonymous" and a[1]["cue"] == "said", a
assert a[0]["accept"].startswith("attribution:2020/quotes:The engine"), a
' >/dev/null 2>&1 && pass "annotate --json lists attributions" ||
	fail "annotate --json lists attributions" "bad JSON or content"
"$MORGUE" annotate "$R" --accept "attribution:2020/quotes:$Q:no-such-one" >/dev/null 2>&1
[ $? -eq 1 ] && [ ! -e "$R/annotations/2020/quotes.yaml" ] &&
	pass "attribution: to an unknown source is refused" ||
	fail "attribution: to an unknown source is refused" "accepted"
"$MORGUE" annotate "$R" --accept "attribution:2020/quotes:$Q:ada-lovelace:person:2" >/dev/null 2>&1
[ $? -eq 1 ] && [ ! -e "$R/annotations/2020/quotes.yaml" ] &&
	pass "attribution:...:N past the last occurrence is refused" ||
	fail "attribution:...:N past the last occurrence is refused" "accepted"
"$MORGUE" annotate "$R" --accept "attribution:2020/quotes:$Q:ada-lovelace" \
	--accept 'unattribute:2020/quotes:the engine would be delivered in the spring' \
	--commit >"$TMP/attracc" 2>&1
rc=$?
"$MORGUE" build "$R" -o "$TMP/site3" --quiet >/dev/null 2>&1
H=$TMP/site3/articles/2020/quotes.html
if [ $rc -eq 0 ] && grep -q "data-source=\"ada-lovelace\"[^>]*>$Q" "$H" &&
   [ "$(grep -c 'data-source=' "$H")" -eq 1 ] &&
   grep -q 'suppress: true' "$R/annotations/2020/quotes.yaml"; then
	pass "attribution: marks the quote with data-source; unattribute: removes one"
else
	fail "attribution: marks the quote with data-source; unattribute: removes one" "rc=$rc $(cat "$TMP/attracc" "$R/annotations/2020/quotes.yaml")"
fi
msg=$(git -C "$R" log -1 --format=%B)
echo "$msg" | grep -q "attribution \"$Q\" (occurrence 1) -> ada-lovelace in 2020/quotes" &&
	echo "$msg" | grep -q 'unattribute "the engine would be delivered in the spring" (occurrence 1) in 2020/quotes' &&
	[ -z "$(git -C "$R" status --porcelain)" ] &&
	pass "--commit names the attributions accepted" ||
	fail "--commit names the attributions accepted" "$msg"
"$MORGUE" annotate "$R" 2020/quotes >"$TMP/attr2" 2>&1
grep -q 'Attributions to review (0)' "$TMP/attr2" &&
	pass "reviewed attributions are not proposed again" ||
	fail "reviewed attributions are not proposed again" "$(cat "$TMP/attr2")"

# the sample archive
if git rev-parse --verify -q HEAD:content/morgue.yaml >/dev/null; then
	"$MORGUE" annotate content >"$TMP/sample" 2>&1 &&
		grep -q '^Candidate entities' "$TMP/sample" && grep -q '^Unsure mentions' "$TMP/sample" &&
		grep -q '^Attributions to review' "$TMP/sample" &&
		pass "the sample archive proposes" || fail "the sample archive proposes" "$(head -5 "$TMP/sample")"
else
	echo "SKIP the sample archive proposes: content/ is not committed in this checkout"
fi
