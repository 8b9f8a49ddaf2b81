#!/bin/sh
test_description='deals, automate salesorder: a won deal gets one draft sales order with its products as lines, once ever (a kill while its create is out, then a rerun, makes one); confirm_sales_order marks it open (Books) at once; a lost deal voids only a draft one; a confirmed one counts as sent; the sandbox serves /salesorders as Books documents them'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals" --seed "$FIXTURES/base/deal_money"
WAYNE=4150868000000091005 ACME=4150868000000091001 INITECH=4150868000000091003
JOB='{"customers":{"crm_module":"accounts"},"items":{"on_duplicate":"clone"},"deals":{"automate":"salesorder","default_item":"Professional services"CONFIRM}}'
write_job job.json zoho-books "$(echo "$JOB" | sed 's/CONFIRM//')"

orders_of() { store books salesorders | jq -c --arg d "$1" '[.[] | select(.reference_number == $d)]'; }
event() { ledger_query state "select action || '|' || coalesce(reason, '') from events where entity = 'deals' and run_id = $1 and crm_id = '$2' order by id"; }

# --- run 1: Wayne's won deal gets a draft sales order whose lines are its two products.
run_ok job.json
so=$(orders_of $WAYNE)
assert_eq 1 "$(echo "$so" | jq length)" "one sales order"
assert_eq "draft|SO-000001|1119|2" "$(echo "$so" | jq -r '.[0] | "\(.status)|\(.salesorder_number)|\(.total)|\(.line_items | length)"')" "the draft"
assert_eq "salesorder|draft" "$(ledger_query state "select kind || '|' || state from deal_links where deal_id = '$WAYNE'")" "deal link"
assert_eq 0 "$(store books invoices | jq length)" "no invoice"
case $(event 1 $WAYNE) in "create|sales order SO-000001 created as a draft for account 'Wayne Enterprises'"*) ;;
	*) fail "create event: $(event 1 $WAYNE)" ;; esac

# --- Acme won; the run is killed while the sales order's create is out (its answer held back):
# the rerun makes no second one.
deal $ACME '.Stage = "Closed Won" | .Probability = 100'
ctl POST /faults '{"kind":"delay","delay_ms":5000,"path_prefix":"/books/v3/salesorders","method":"POST","count":1}' >/dev/null
"$BUILD/finsync" run job.json >kill.out 2>&1 &
pid=$!
i=0
while [ "$(ledger_query state "select count(*) from deal_links where deal_id = '$ACME' and state = 'pending'" 2>/dev/null)" != 1 ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "the create intent never showed: $(cat kill.out)"
	sleep 0.05
done
sleep 0.5
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
ctl DELETE /faults >/dev/null
run_ok job.json
assert_eq 1 "$(orders_of $ACME | jq length)" "Acme's sales orders after the kill and the rerun"
assert_eq "draft|$(orders_of $ACME | jq -r '.[0].salesorder_id')" "$(ledger_query state "select state || '|' || finance_id from deal_links where deal_id = '$ACME'")" "linked"
run_ok job.json
assert_eq 1 "$(orders_of $ACME | jq length)" "still one after another run"

# --- a draft follows the deal; lost, it is voided; won again, no second one.
deal $ACME '.Amount = 1.0'
run_ok job.json
assert_eq 1 "$(orders_of $ACME | jq -r '.[0].line_items[0].rate')" "a draft follows the deal"
deal $ACME '.Stage = "Closed Lost" | .Probability = 0'
run_ok job.json
r=$(run_no)
assert_eq void "$(orders_of $ACME | jq -r '.[0].status')" "Acme's draft voided"
case $(event "$r" $ACME) in "void|draft sales order SO-"*" voided: the deal is lost (stage 'Closed Lost')") ;;
	*) fail "void event: $(event "$r" $ACME)" ;; esac
deal $ACME '.Stage = "Closed Won" | .Probability = 100'
run_ok job.json
assert_eq 1 "$(orders_of $ACME | jq length)" "never a second one"

# --- confirm_sales_order: Initech won: created and marked open at once (one event, the create's).
write_job job.json zoho-books "$(echo "$JOB" | sed 's/CONFIRM/,"confirm_sales_order":true/')"
deal $INITECH '.Stage = "Closed Won" | .Probability = 100'
run_ok job.json
r=$(run_no)
assert_eq open "$(orders_of $INITECH | jq -r '.[0].status')" "confirmed"
assert_eq open "$(ledger_query state "select state from deal_links where deal_id = '$INITECH' and kind = 'salesorder'")" "link state"
assert_eq create "$(event "$r" $INITECH | cut -d'|' -f1)" "one create event"
# A draft made before is confirmed once its deal is read again (an edit of it).
deal $WAYNE '.Description = "Fleet service, confirmed"'
run_ok job.json
r=$(run_no)
assert_eq open "$(orders_of $WAYNE | jq -r '.[0].status')" "Wayne's draft confirmed"
assert_eq "update|sales order SO-000001 confirmed (open): the deal is won" "$(event "$r" $WAYNE)" "confirm event"
# Lost: a confirmed (open) one counts as sent and is left as it is.
deal $INITECH '.Stage = "Closed Lost" | .Probability = 0'
run_ok job.json
r=$(run_no)
assert_eq "unchanged|lost; the sales order is open: it counts as sent and deal edits no longer change it" "$(event "$r" $INITECH)" "open one left"
assert_eq open "$(orders_of $INITECH | jq -r '.[0].status')" "Initech's stays open"
assert_eq 3 "$(store books salesorders | jq length)" "sales orders in all"

# --- the sandbox: Inventory's confirmation is not Books' action; an app without sales orders has none.
tok=$(fresh_token fin)
SO=$(orders_of $WAYNE | jq -r '.[0].salesorder_id')
assert_eq 400 "$(curl -s -o /dev/null -w "%{http_code}" -X POST -H "Authorization: Zoho-oauthtoken $tok" "$SANDBOX_URL/books/v3/salesorders/$SO/status/confirmed?organization_id=10234695")" "Books refuses status/confirmed (Inventory's action)"
write_job inv.json zoho-invoice '{"customers":{"crm_module":"accounts"},"deals":{"automate":"salesorder"}}'
expect_exit 2 finsync run inv.json >out 2>err
grep -q "sync.deals.automate: zoho-invoice has no sales orders" err || fail "message: $(cat err)"
