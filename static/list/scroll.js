// The result list's top (ui/list_top.py, a Streamlit components-v2 component): when the list
// shows another page, bring its top into view. The page buttons sit under the list, and the
// browser kept the scroll there: page 2 opened on its last lines.
export default function (component) {
    const { parentElement, data } = component;
    const page = data && data.page;
    const seen = window.__ccListPage;
    window.__ccListPage = page;
    if (seen === undefined || seen === page) return;
    const anchor = parentElement.host || parentElement.parentElement || parentElement;
    const target = anchor.closest ? anchor.closest('[data-testid="stElementContainer"]') || anchor : anchor;
    target.scrollIntoView({ block: "start", behavior: "auto" });
}
