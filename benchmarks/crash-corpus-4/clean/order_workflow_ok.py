"""Replays order events through a small order-status state machine."""

EVENTS = [
    ("o-1", "pay"),
    ("o-1", "ship"),
    ("o-2", "pay"),
    ("o-1", "deliver"),
    ("o-2", "cancel"),
    ("o-3", "pay"),
    ("o-3", "refund"),
]


def transition(state, event):
    next_state = state
    if state == "new":
        if event == "pay":
            next_state = "paid"
        elif event == "cancel":
            next_state = "cancelled"
    elif state == "paid":
        if event == "ship":
            next_state = "shipped"
        elif event == "cancel":
            next_state = "refunding"
    elif state == "shipped":
        if event == "deliver":
            next_state = "delivered"
    else:
        next_state = state
    return next_state


def replay(events):
    states = {}
    for order_id, event in events:
        before = states.get(order_id, "new")
        after = transition(before, event)
        states[order_id] = after
        print(f"{order_id}: {before:<9} --{event}--> {after}")
    return states


def main():
    states = replay(EVENTS)
    done = sorted(o for o, s in states.items() if s in ("delivered", "cancelled"))
    print(f"finished orders: {done}")


main()
