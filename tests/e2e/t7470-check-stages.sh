#!/bin/sh
test_description='deal stage names are checked against the CRM Deals Stage picklist (pick_list_values): a CRM with its own pipeline passes a job that names it, and refuses (exit 2) the standard names it lacks'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
mkdir -p own/crm
cat >own/crm/fields.json <<'JSON'
{ "Deals": [ { "api_name": "Stage", "data_type": "picklist",
               "pick_list_values": ["Erstkontakt", "Angebot", "Angenommen", "Gewonnen", "Verloren"] } ] }
JSON
sandbox_start "$FIXTURES/base" --seed "$FIXTURES/base/deals" --seed "$WORK/own"

# The sandbox answers the picklist as Zoho's fields metadata does.
TOK=$(curl -sf -X POST "$SANDBOX_URL/oauth/v2/token" -d grant_type=refresh_token \
	-d client_id=1000.SANDBOXCRM -d "client_secret=$FINSYNC_CRM_CLIENT_SECRET" \
	-d "refresh_token=$FINSYNC_CRM_REFRESH_TOKEN" | jq -r .access_token)
curl -sf -H "Authorization: Zoho-oauthtoken $TOK" "$SANDBOX_URL/crm/v8/settings/fields?module=Deals" >fields
assert_eq "Erstkontakt Angebot Angenommen Gewonnen Verloren" \
	"$(jq -r '.fields[] | select(.api_name == "Stage") | [.pick_list_values[].actual_value] | join(" ")' fields)" "Stage values"

write_job own.json zoho-books '{"customers":{"crm_module":"accounts"},"deals":{"automate":"quote",
  "stage_order":["Erstkontakt","Angebot","Angenommen","Gewonnen"],"lost_stages":["Verloren"],
  "quote_create_stage":"Angebot","quote_accept_stage":"Angenommen"}}'
finsync_exit 0 check own.json
grep -qF "ok   deal stages: every stage sync.deals names is a Deals Stage value" out || fail "own stages: $(cat out)"

# The standard pipeline's names are not this CRM's: each is named, with where to add it.
write_job std.json zoho-books '{"customers":{"crm_module":"accounts"},"deals":{"automate":"invoice","default_item":"Widget Pro"}}'
sed -i 's|"state_dir": "state"|"state_dir": "state-std"|' std.json
finsync_exit 2 check std.json
assert_eq 10 "$(grep -c "^FAIL deal stages: sync.deals.\(stage_order\|lost_stages\): '.*' is not a value of the CRM's Deals Stage picklist; add it in Zoho CRM → Settings → Modules and Fields → Deals → Stage, or correct the job$" out)" \
	"one line per missing stage: $(cat out)"
grep -qF "FAIL deal stages: sync.deals.lost_stages: 'Closed Lost to Competition' is not" out || fail "lost stage: $(cat out)"

# A quote accept stage the picklist lacks.
write_job acc.json zoho-books '{"customers":{"crm_module":"accounts"},"deals":{"automate":"quote",
  "stage_order":["Erstkontakt","Angebot","Akzeptiert","Gewonnen"],"lost_stages":["Verloren"],
  "quote_create_stage":"Angebot","quote_accept_stage":"Akzeptiert"}}'
sed -i 's|"state_dir": "state"|"state_dir": "state-acc"|' acc.json
finsync_exit 2 check acc.json
grep -qF "FAIL deal stages: sync.deals.quote_accept_stage: 'Akzeptiert' is not a value" out || fail "accept stage: $(cat out)"
seq=$(last_seq)
finsync_exit 2 run acc.json
assert_eq 0 "$(writes_since "$seq")" "writes by a refused run"
