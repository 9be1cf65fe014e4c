"""Every client error is an RFC 9457 problem; validation names each bad field; money is exact."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from msgspec import Meta

from api.problems import broken_rule
from tests.api.factories import assert_problem, field_errors, fresh_patent_number, make_tenant, new_uscc


def _tenant_body(**overrides) -> dict:
    return {"uscc": new_uscc(), "name": "问题测试企业", "industry": "new_energy", "status": "incubating"} | overrides


def _bad_check_char(uscc: str) -> str:
    return uscc[:-1] + ("1" if uscc[-1] != "1" else "2")


async def test_unknown_route_is_a_problem(manager):
    assert_problem(await manager.get("/no-such-thing"), 404)


async def test_wrong_method_is_a_problem(manager):
    response = await manager.put("/tenants", json={})
    assert_problem(response, 405)


async def test_malformed_json_is_a_problem(manager):
    response = await manager.post("/tenants", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


async def test_forbidden_is_a_problem(statistician):
    assert_problem(await statistician.post("/tenants", json=_tenant_body()), 403)


async def test_not_found_is_a_problem(manager):
    assert_problem(await manager.get(f"/tenants/{new_uscc()}"), 404)


async def test_registry_validation_names_every_bad_field_at_once(manager):
    response = await manager.post(
        "/tenants",
        json=_tenant_body(
            uscc=_bad_check_char(new_uscc()),
            name="  ",
            description="长" * 4001,
        ),
    )
    assert field_errors(response) == {"uscc": "uscc_checksum", "name": "required", "description": "too_long"}


async def test_every_missing_required_field_is_named_at_once(manager):
    response = await manager.post("/tenants", json={"uscc": new_uscc()})
    assert set(field_errors(response)) == {"name", "industry", "status"}


async def test_missing_required_field_is_named(manager):
    body = _tenant_body()
    del body["name"]
    assert field_errors(await manager.post("/tenants", json=body)) == {"name": "required"}


async def test_unknown_body_field_is_refused(manager):
    response = await manager.post("/tenants", json=_tenant_body(colour="red"))
    assert field_errors(response) == {"colour": "unknown_field"}


async def test_unknown_field_in_a_patch_is_refused_and_nothing_changes(manager):
    tenant = await make_tenant()
    response = await manager.patch(f"/tenants/{tenant['uscc']}", json={"website": "https://x.example", "owner": "me"})
    assert field_errors(response) == {"owner": "unknown_field"}
    assert (await manager.get(f"/tenants/{tenant['uscc']}")).json()["website"] is None


async def test_enumeration_outside_its_codes_is_refused(manager):
    response = await manager.post("/tenants", json=_tenant_body(industry="mining"))
    assert "industry" in field_errors(response)


async def test_uscc_with_a_wrong_check_character_is_refused(manager):
    response = await manager.post("/tenants", json=_tenant_body(uscc=_bad_check_char(new_uscc())))
    assert field_errors(response) == {"uscc": "uscc_checksum"}


async def test_uscc_of_the_wrong_length_is_refused(manager):
    response = await manager.post("/tenants", json=_tenant_body(uscc=new_uscc()[:17]))
    assert field_errors(response) == {"uscc": "uscc_length"}


async def test_patent_number_with_a_wrong_check_character_is_refused(manager):
    tenant = await make_tenant()
    number = "201710601862.4"  # the check character of 201710601862 is 3
    response = await manager.post(
        f"/tenants/{tenant['uscc']}/ip",
        json={
            "kind": "invention",
            "number": number,
            "title": "校验位错误",
            "status": "pending",
            "filed_on": "2017-01-01",
        },
    )
    assert field_errors(response) == {"number": "ip_number_checksum"}


async def test_patent_number_of_another_kind_is_refused(manager):
    tenant = await make_tenant()
    response = await manager.post(
        f"/tenants/{tenant['uscc']}/ip",
        json={
            "kind": "design",
            "number": fresh_patent_number("invention"),
            "title": "类型码错误",
            "status": "pending",
        },
    )
    assert field_errors(response) == {"number": "ip_number_kind"}


@pytest.mark.parametrize("value", [12345.67, 12345.0, 1e3])
async def test_money_as_a_json_number_with_a_fraction_or_exponent_is_refused(manager, value):
    tenant = await make_tenant()
    response = await manager.put(f"/tenants/{tenant['uscc']}/reports/2016", json={"revenue": value})
    assert "revenue" in field_errors(response)
    assert (await manager.get(f"/tenants/{tenant['uscc']}/reports/2016")).status_code == 404


async def test_money_round_trips_exactly(manager):
    tenant = await make_tenant()
    figures = {"revenue": "12345678901.23", "net_profit": "-0.01", "tax_paid": "0.10", "exports": "0.00"}
    put = await manager.put(f"/tenants/{tenant['uscc']}/reports/2016", json=figures)
    assert put.status_code == 201, put.text
    got = (await manager.get(f"/tenants/{tenant['uscc']}/reports/2016")).json()
    assert {k: got[k] for k in figures} == figures


async def test_money_with_a_fraction_of_a_fen_is_refused(manager):
    tenant = await make_tenant()
    response = await manager.put(
        f"/tenants/{tenant['uscc']}/reports/2016",
        json={"revenue": "1.001", "exports": "lots", "net_profit": "1,000.50"},
    )
    assert field_errors(response) == {"revenue": "money_fraction", "exports": "money_format"}


async def test_every_bad_figure_is_named_at_once(manager):
    tenant = await make_tenant()
    response = await manager.put(
        f"/tenants/{tenant['uscc']}/reports/2016", json={"revenue": "abc", "tax_paid": "1.005", "employees": -3}
    )
    assert field_errors(response) == {
        "revenue": "money_format",
        "tax_paid": "money_fraction",
        "employees": "count_negative",
    }


@pytest.mark.parametrize(
    "query, field",
    [
        ("sort=colour", "sort"),
        ("sort=-colour", "sort"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
    ],
)
async def test_bad_sort_or_paging_is_refused(manager, query, field):
    assert field in field_errors(await manager.get(f"/tenants?{query}"))


async def test_non_numeric_limit_is_refused(manager):
    response = await manager.get("/tenants?limit=many")
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


async def test_bad_paging_on_every_list_is_refused(manager):
    tenant = await make_tenant()
    for path in ("/users", "/audit", f"/tenants/{tenant['uscc']}/ip", f"/tenants/{tenant['uscc']}/reports"):
        assert "limit" in field_errors(await manager.get(f"{path}?limit=0")), path


async def test_bad_sort_on_ip_list_is_refused(manager):
    tenant = await make_tenant()
    assert "sort" in field_errors(await manager.get(f"/tenants/{tenant['uscc']}/ip?sort=colour"))


async def test_bad_sort_on_report_list_is_refused(manager):
    tenant = await make_tenant()
    assert "sort" in field_errors(await manager.get(f"/tenants/{tenant['uscc']}/reports?sort=colour"))


async def test_malformed_if_match_is_refused(manager):
    tenant = await make_tenant()
    response = await manager.patch(
        f"/tenants/{tenant['uscc']}", json={"website": "https://a.example"}, headers={"If-Match": "yesterday"}
    )
    assert_problem(response, 400)  # no entity tag (RFC 9110 §8.8.3): malformed, not a precondition


async def test_no_request_ends_in_a_server_error_for_a_long_request_id(manager):
    # The request id is the audit entry's source; a client may send any header it likes.
    tenant = await make_tenant()
    response = await manager.patch(
        f"/tenants/{tenant['uscc']}", json={"website": "https://b.example"}, headers={"X-Request-ID": "r" * 500}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "figures, field",
    [
        ({"revenue": "99999999999999999999.99"}, "revenue"),
        ({"tax_paid": "-92233720368547758.08"}, "tax_paid"),
        ({"employees": 10**12}, "employees"),
        ({"rd_staff": 10**30}, "rd_staff"),
    ],
)
async def test_figures_beyond_any_company_are_refused_not_a_server_error(manager, figures, field):
    tenant = await make_tenant()
    response = await manager.put(f"/tenants/{tenant['uscc']}/reports/2016", json=figures)
    assert field in field_errors(response)


async def test_largest_plausible_figures_are_kept(manager):
    tenant = await make_tenant()
    figures = {"revenue": "9999999999999.99", "employees": 10_000_000}
    response = await manager.put(f"/tenants/{tenant['uscc']}/reports/2016", json=figures)
    assert response.status_code == 201, response.text
    assert {k: response.json()[k] for k in figures} == figures


@pytest.mark.parametrize("filed_on", ["9999-12-31", "3000-01-01"])
async def test_filing_date_far_in_the_future_is_refused_not_a_server_error(manager, filed_on):
    tenant = await make_tenant()
    response = await manager.post(
        f"/tenants/{tenant['uscc']}/ip",
        json={
            "kind": "software_copyright",
            "number": "2017SR9990001",
            "title": "远期",
            "status": "pending",
            "filed_on": filed_on,
        },
    )
    assert field_errors(response) == {"filed_on": "date_range"}


async def test_ip_id_beyond_any_row_is_404_not_a_server_error(manager):
    assert_problem(await manager.get(f"/ip/{10**20}"), 404)
    assert_problem(await manager.patch(f"/ip/{2**31}", json={"title": "x"}), 404)


async def test_huge_offset_is_refused_not_a_server_error(manager):
    assert "offset" in field_errors(await manager.get(f"/tenants?offset={10**20}"))


@pytest.mark.parametrize(
    ("annotation", "value", "strict", "code"),
    [
        (Annotated[int, Meta(ge=0, le=5)], 7, True, "out_of_range"),
        (Annotated[int, Meta(ge=0, le=5)], "7", True, "type"),
        (Annotated[int, Meta(ge=0, le=5)], "7", False, "out_of_range"),
        (Annotated[int, Meta(ge=0, le=5)] | None, "abc", False, "type"),
        (Annotated[str, Meta(max_length=3, pattern="^a")], "abcd", True, "length"),
        (Annotated[str, Meta(max_length=3, pattern="^a")] | None, "bc", True, "format"),
        (Literal["zh", "en"], "fr", True, "not_a_choice"),
        (Literal["zh", "en"], 1, True, "type"),
        (list[Annotated[int, Meta(le=5)]], [1, 9], True, "out_of_range"),
    ],
)
def test_a_refused_values_rule_is_read_from_its_type_not_from_msgspecs_words(annotation, value, strict, code):
    error = broken_rule("field", value, annotation, "msgspec's sentence, whatever it says", strict=strict)
    assert error.code == code
    assert error.message.endswith("/ msgspec's sentence, whatever it says")
