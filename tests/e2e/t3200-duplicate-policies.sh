#!/bin/sh
test_description='duplicates: skip, clone and overwrite against existing finance records and within a run'
. "$(dirname "$0")/lib.sh"
cd "$WORK"

fresh() {
	sandbox_stop
	rm -rf state
	sandbox_start "$FIXTURES/base"
	write_job job.json zoho-books "{\"customers\":{\"crm_module\":\"accounts\",\"on_duplicate\":\"$1\"}}"
}
GLOBEX_FIN=460000000026049
GLOBEX_CRM=4150868000000087004

# skip: the existing 'Globex Corporation' is left alone, the skip and its reason recorded.
fresh skip
run_ok job.json
assert_eq 1 "$(names books contacts | grep -c '^Globex')" "one Globex"
assert_eq null "$(store books contacts | jq ".[] | select(.contact_id == \"$GLOBEX_FIN\") | .custom_field_hash.cf_crm_id")" "Globex untouched"
reason=$(ledger_query state "select match || '|' || reason from events where crm_id = '$GLOBEX_CRM'")
case $reason in
"name|duplicate of existing finance customer 'Globex Corporation' ($GLOBEX_FIN)"*) ;;
*) fail "skip reason: $reason" ;;
esac
assert_eq 0 "$(ledger_query state "select count(*) from links where crm_id = '$GLOBEX_CRM'")" "no link for a skip"

# clone: a second record beside the existing one, with a suffixed name; the
# in-run collision ('ACME  Ltd' / 'Acme Ltd') is cloned too.
fresh clone
run_ok job.json
assert_eq "Globex Corporation
Globex Corporation (2)" "$(names books contacts | grep '^Globex')" "clone of Globex"
assert_eq 2 "$(names books contacts | grep -ci '^acme')" "both Acme records"
assert_eq 10 "$(store books contacts | jq length)" "8 created beside the 2 existing"
seq=$(last_seq)
run_ok job.json
assert_eq 0 "$(writes_since "$seq")" "clone rerun writes"
assert_eq 10 "$(store books contacts | jq length)" "clone rerun creates nothing"

# overwrite: the existing record takes the CRM data and is linked.
fresh overwrite
run_ok job.json
globex=$(store books contacts | jq -c ".[] | select(.contact_id == \"$GLOBEX_FIN\")")
assert_eq "$GLOBEX_CRM" "$(echo "$globex" | jq -r '.custom_field_hash.cf_crm_id')" "overwritten record carries the CRM id"
assert_eq "$GLOBEX_FIN" "$(ledger_query state "select finance_id from links where crm_id = '$GLOBEX_CRM'")" "overwritten record linked"
assert_eq "update|name" "$(ledger_query state "select action || '|' || match from events where crm_id = '$GLOBEX_CRM'")" "overwrite event"
assert_eq 1 "$(names books contacts | grep -c '^Globex')" "still one Globex"
seq=$(last_seq)
run_ok job.json --full
assert_eq 0 "$(writes_since "$seq")" "overwrite rerun writes"
assert_eq "unchanged|ledger" "$(ledger_query state "select action || '|' || match from events where crm_id = '$GLOBEX_CRM' order by id desc limit 1")" "rerun matches by ledger"
