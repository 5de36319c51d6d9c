"""Fills a notification template for each subscriber id in a send list."""

USERS = {
    101: {"name": "Ines", "email": "ines@example.org"},
    102: {"name": "Karl", "email": "karl@example.org"},
    104: {"name": "Maya", "email": "maya@example.org"},
}

SEND_LIST = [101, 102, 103, 104]


def render(user):
    return f"To: {user['email']}\nHello {user['name']}, your report is ready."


def main():
    print(f"sending {len(SEND_LIST)} notifications")
    for user_id in SEND_LIST:
        user = USERS.get(user_id)
        print(render(user))
        print("---")


main()
