#!/bin/sh
test_description='items match on name and SKU, product type from a mapped field; vendors become vendors'
. "$(dirname "$0")/lib.sh"
cd "$WORK"
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"items":{"product_type_field":"Product_Category"},"vendors":{}}'
run_ok job.json

# 'Widget Pro' WP-100 exists in Books (same name and SKU): a duplicate, skipped.
# 'Widget Pro' WP-200 is another item whose name is taken: created as 'Widget Pro (2)'.
items=$(store books items)
assert_eq 1 "$(echo "$items" | jq '[.[] | select(.sku == "WP-100")] | length')" "WP-100 once"
assert_eq "Widget Pro (2)" "$(echo "$items" | jq -r '.[] | select(.sku == "WP-200") | .name')" "WP-200's name"
assert_eq "skip|sku" "$(ledger_query state "select action || '|' || match from events where crm_id = '4150868000000089001'")" "WP-100 event"
assert_eq 249.5 "$(echo "$items" | jq '.[] | select(.sku == "WP-200") | .rate')" "rate from Unit_Price"
# Product_Category: Service -> service, Goods -> goods, Hardware -> the default goods.
assert_eq service "$(echo "$items" | jq -r '.[] | select(.sku == "SVC-INST") | .product_type')" "service"
assert_eq goods "$(echo "$items" | jq -r '.[] | select(.sku == "HW-R1") | .product_type')" "default product type"
assert_eq 4150868000000089005 "$(echo "$items" | jq -r '.[] | select(.sku == "HW-R1") | .custom_field_hash.cf_crm_id')" "item CRM id"

# Vendors: contacts of type vendor, named after Vendor_Name.
assert_eq "Cable Masters
Müller Komponenten GmbH
Parts Unlimited" "$(names books contacts '.contact_type == "vendor"')" "vendors"
assert_eq 3 "$(ledger_query state "select count(*) from links where entity = 'vendors'")" "vendor links"

# Same-name items with product_type_default service.
sandbox_stop
rm -rf state
sandbox_start "$FIXTURES/base"
write_job job.json zoho-books '{"items":{"product_type_field":"Product_Category","product_type_default":"service"}}'
run_ok job.json
assert_eq service "$(store books items | jq -r '.[] | select(.sku == "HW-R1") | .product_type')" "product_type_default"
