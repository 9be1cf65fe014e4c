async def test_token_me_and_no_token(anonymous, admin):
    me = await admin.get("/me")
    assert me.status_code == 200 and me.json()["role"] == "admin"
    response = await anonymous.get("/tenants")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
