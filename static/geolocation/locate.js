// "Ma position": asks the browser for its position and sends it back to Python
// (ui/geolocation.py, a Streamlit components-v2 component).
export default function (component) {
    const { setTriggerValue, parentElement } = component;
    const button = parentElement.querySelector(".cc-locate");
    const msg = parentElement.querySelector(".cc-locate-msg");
    button.onclick = () => {
        if (!navigator.geolocation) {
            setTriggerValue("error", "unsupported");
            return;
        }
        msg.textContent = "…";
        navigator.geolocation.getCurrentPosition(
            (pos) => {
                msg.textContent = "";
                setTriggerValue("position", {
                    lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy
                });
            },
            (err) => { msg.textContent = ""; setTriggerValue("error", String(err.code)); },
            { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
        );
    };
}
