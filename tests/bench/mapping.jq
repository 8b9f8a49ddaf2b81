# mapping.jq - the plain-mapping side of the transform benchmark (tests/bench/run.sh
# passes the line below to `jq -c` as a one-liner): the payload finsync's default
# accounts mapping (src/xform/mapping.c) writes for Zoho Books, in its key order,
# and nothing else: no line envelope, no duplicate check, no hash, and empty
# fields stay null where finsync leaves them out (otherwise the same bytes on
# the bench data).  On Books the phone is the billing address's (Billing alone
# carries it at the top level).
{contact_name: .Account_Name, company_name: .Account_Name, website: .Website, notes: .Description, contact_type: "customer", customer_sub_type: "business", billing_address: {address: .Billing_Street, city: .Billing_City, state: .Billing_State, zip: .Billing_Code, country: .Billing_Country, phone: .Phone}, shipping_address: {address: .Shipping_Street, city: .Shipping_City, state: .Shipping_State, zip: .Shipping_Code, country: .Shipping_Country}, custom_fields: [{api_name: "cf_crm_id", value: .id}, {api_name: "cf_industry", value: .Industry}]}
