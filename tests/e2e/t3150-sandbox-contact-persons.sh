#!/bin/sh
test_description='sandbox: contact persons follow the documented rules (replace-the-set by contact_person_id on update, is_primary_contact true only, the per-person endpoints; Billing ignores contact_persons and customer_sub_type and keeps its persons at /customers/{id}/contactpersons)'
. "$(dirname "$0")/lib.sh"

sandbox_start "$FIXTURES/base"
fin_session

# Books: a contact with two persons; the first is the primary.
assert_eq 201 "$(fin books POST /contacts -d '{"contact_name":"Persons Ltd","contact_persons":[
	{"first_name":"Ann","email":"ann@p.example"},{"first_name":"Bob","email":"bob@p.example"}]}')" "create"
cid=$(code .contact.contact_id)
ann=$(code '.contact.contact_persons[] | select(.first_name == "Ann") | .contact_person_id')
bob=$(code '.contact.contact_persons[] | select(.first_name == "Bob") | .contact_person_id')
assert_eq "$ann" "$(code .contact.primary_contact_id)" "the first person is the primary"

# is_primary_contact: "Allowed value is true only".
assert_eq 400 "$(fin books PUT "/contacts/$cid" -d '{"contact_name":"Persons Ltd","contact_persons":[{"first_name":"Cy","is_primary_contact":false}]}')" "false refused"
assert_eq 2 "$(code)" "false refused: code"

# An update with contact_persons replaces the set: Ann kept by id, Bob (left out) deleted, Cy new.
assert_eq 200 "$(fin books PUT "/contacts/$cid" -d "{\"contact_name\":\"Persons Ltd\",\"contact_persons\":[{\"contact_person_id\":\"$ann\",\"first_name\":\"Ann\",\"last_name\":\"A\"},{\"first_name\":\"Cy\"}]}")" "replace the set"
assert_eq "$ann" "$(code '.contact.contact_persons[] | select(.first_name == "Ann") | .contact_person_id')" "Ann keeps her id"
assert_eq "A" "$(code '.contact.contact_persons[] | select(.first_name == "Ann") | .last_name')" "Ann updated"
assert_eq 0 "$(code "[.contact.contact_persons[] | select(.contact_person_id == \"$bob\")] | length")" "Bob deleted"
cy=$(code '.contact.contact_persons[] | select(.first_name == "Cy") | .contact_person_id')
[ -n "$cy" ] && [ "$cy" != "$bob" ] || fail "Cy has a new id: '$cy'"
# An update without contact_persons keeps them.
assert_eq 200 "$(fin books PUT "/contacts/$cid" -d '{"contact_name":"Persons Ltd","website":"p.example"}')" "update without persons"
assert_eq 2 "$(code '.contact.contact_persons | length')" "persons kept"

# The per-person endpoints: contact_id in the body, first_name required.
assert_eq 400 "$(fin books POST /contacts/contactpersons -d "{\"contact_id\":\"$cid\",\"last_name\":\"D\"}")" "create without first_name"
assert_eq 400 "$(fin books POST /contacts/contactpersons -d "{\"contact_id\":\"$cid\",\"first_name\":\"Di\",\"is_primary_contact\":true}")" "create with a primary flag (not in the create request)"
assert_eq 404 "$(fin books POST /contacts/contactpersons -d '{"contact_id":"999","first_name":"Di"}')" "create for a missing contact"
assert_eq 201 "$(fin books POST /contacts/contactpersons -d "{\"contact_id\":\"$cid\",\"first_name\":\"Di\",\"email\":\"di@p.example\"}")" "create a person"
di=$(code '.contact_person[0].contact_person_id')
assert_eq "$cid" "$(code '.contact_person[0].contact_id')" "its contact"
assert_eq 400 "$(fin books PUT "/contacts/contactpersons/$di" -d '{"first_name":"Di"}')" "update without contact_id"
assert_eq 200 "$(fin books PUT "/contacts/contactpersons/$di" -d "{\"contact_id\":\"$cid\",\"first_name\":\"Di\",\"last_name\":\"D\"}")" "update a person"
assert_eq "$di" "$(code '.contact_person[0].contact_person_id')" "same id"
assert_eq 200 "$(fin books POST "/contacts/contactpersons/$di/primary")" "mark primary"
assert_eq 200 "$(fin books GET "/contacts/$cid")" "read the contact"
assert_eq "$di" "$(code .contact.primary_contact_id)" "Di is the primary"
assert_eq "di@p.example" "$(code .contact.email)" "the contact's email is its primary's"
assert_eq 200 "$(fin books GET "/contacts/$cid/contactpersons")" "list persons"
assert_eq 3 "$(code '.contact_persons | length')" "three persons"
assert_eq 200 "$(fin books GET "/contacts/$cid/contactpersons/$cy")" "get a person"
assert_eq "Cy" "$(code .contact_person.first_name)" "Cy"
assert_eq 200 "$(fin books DELETE "/contacts/contactpersons/$cy")" "delete a person"
assert_eq 404 "$(fin books DELETE "/contacts/contactpersons/$cy")" "delete it again"
assert_eq 1002 "$(code)" "missing person: code"
assert_eq 405 "$(fin books PUT "/contacts/$cid/contactpersons/$di")" "the contact's path is read only"

# Billing: contact_persons and customer_sub_type are not on a customer: ignored.
assert_eq 201 "$(fin billing POST /customers -d '{"display_name":"Bill Co","email":"bill@b.example","customer_sub_type":"individual","contact_persons":[{"first_name":"X","email":"x@b.example"}]}')" "billing create"
bid=$(code .customer.customer_id)
assert_eq null "$(code .customer.customer_sub_type)" "no customer_sub_type"
assert_eq null "$(code .customer.contact_persons)" "no contact_persons"
assert_eq 0 "$(code '.customer.contactpersons | length')" "no persons"
# Its persons: email required, id key contactperson_id.
assert_eq 400 "$(fin billing POST "/customers/$bid/contactpersons" -d '{"first_name":"Y"}')" "billing person without email"
assert_eq 201 "$(fin billing POST "/customers/$bid/contactpersons" -d '{"first_name":"Y","email":"y@b.example"}')" "billing person"
yid=$(code .contact_person.contactperson_id)
assert_eq "$bid" "$(code .contact_person.customer_id)" "its customer"
assert_eq 400 "$(fin billing POST "/customers/$bid/contactpersons" -d '{"email":"z@b.example","designation":"CEO"}')" "a key Billing's persons do not have"
assert_eq 200 "$(fin billing PUT "/customers/$bid/contactpersons/$yid" -d '{"first_name":"Yan","email":"y@b.example"}')" "billing person update"
assert_eq "$yid" "$(code .contact_person.contactperson_id)" "same id"
assert_eq 200 "$(fin billing GET "/customers/$bid/contactpersons")" "billing list"
assert_eq "Yan" "$(code '.contact_persons[0].first_name')" "updated"
assert_eq 200 "$(fin billing DELETE "/customers/$bid/contactpersons/$yid")" "billing delete"
assert_eq 404 "$(fin billing GET "/customers/$bid/contactpersons/$yid")" "gone"
assert_eq 404 "$(fin billing POST /contacts/contactpersons -d '{"first_name":"Q"}')" "no Books-style path on Billing"
