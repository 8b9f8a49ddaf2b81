# transform.jq - the jq side of the transform benchmark (tests/bench/run.sh):
# one staged CRM account (extract/accounts.ndjson.gz) -> one planned Zoho
# Books customer line, the default field mapping of src/xform/mapping.c with
# the customer type (business when the account has a name), nulls dropped.
#
#   zcat accounts.ndjson.gz | jq -c -f tests/bench/transform.jq | gzip -1 >/dev/null
def clean: with_entries(select(.value != null));

{
  entity: "customers",
  crm_module: "Accounts",
  crm_id: .id,
  name: .Account_Name,
  action: "create",
  payload: ({
    contact_name: .Account_Name,
    company_name: .Account_Name,
    website: .Website,
    notes: .Description,
    contact_type: "customer",
    customer_sub_type: (if .Account_Name then "business" else "individual" end),
    billing_address: ({
      address: .Billing_Street, city: .Billing_City, state: .Billing_State,
      zip: .Billing_Code, country: .Billing_Country, phone: .Phone
    } | clean),
    shipping_address: ({
      address: .Shipping_Street, city: .Shipping_City, state: .Shipping_State,
      zip: .Shipping_Code, country: .Shipping_Country
    } | clean),
    custom_fields: ([{api_name: "cf_crm_id", value: .id}]
      + (if .Industry then [{api_name: "cf_industry", value: .Industry}] else [] end))
  } | clean)
}
