"""Answers for the public self-check, as its forms post them."""

SIGN_ITEMS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"]


def step_one(age=30, **answers) -> dict:
    """Age and every signs question answered 'No' unless given (``s3=1`` answers item 3
    'Yes'; ``s10a=1`` the severity question, asked only after item 10 is 'Yes')."""
    data = {"age": str(age)}
    for link_id in SIGN_ITEMS:
        data[f"signs-{link_id}"] = "0"
    for key, value in answers.items():
        link_id = key.removeprefix("s")
        if value is None:
            data.pop(f"signs-{link_id}", None)
        else:
            data[f"signs-{link_id}"] = str(value)
    return data


def dast(**answers) -> dict:
    """DAST-10 raw answers, all 'No' unless given (d3=1 is 'Yes' to item 3)."""
    data = {f"second-{n}": "0" for n in range(1, 11)}
    data.update({f"second-{k.removeprefix('d')}": str(v) for k, v in answers.items()})
    return data


def crafft(a1=0, a2=0, a3=0, **part_b) -> dict:
    data = {"second-a1": str(a1), "second-a2": str(a2), "second-a3": str(a3),
            "second-car": "0"}
    if a1 or a2 or a3:
        for item in ("relax", "alone", "forget", "friends", "trouble"):
            data[f"second-{item}"] = "0"
    data.update({f"second-{k}": str(v) for k, v in part_b.items()})
    return data


def callback(**fields) -> dict:
    data = {"given_name": "Sam", "phone": "07700 900123", "email": "",
            "preferred_contact": "phone", "best_time": "Evenings", "postcode": "",
            "contact_consent": "on"}
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
