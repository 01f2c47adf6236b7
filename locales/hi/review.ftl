## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 बनाने से पहले देखें
review-setting-off = ⚡ तुरंत बनाएँ
review-render-button = ✅ बनाएँ
review-edit-button = ✏️ संपादित करें
review-rewrite-button = 🔁 फिर से लिखें
review-style-button = 🎨 शैली
draft-caption = <b>ड्राफ़्ट: { $topic }</b> — { $slides ->
        [one] { $slides } स्लाइड
       *[other] { $slides } स्लाइड
    }
draft-help = “बनाएँ” इसे जैसा है वैसा बनाता है; “फिर से लिखें” नए सिरे से लिखता है; “शैली” रूप बदलती है।
draft-help-editor = “बनाएँ” इसे जैसा है वैसा बनाता है; “संपादित करें” किसी भी स्लाइड को बदलने के लिए एडिटर खोलता है; “फिर से लिखें” नए सिरे से लिखता है; “शैली” रूप बदलती है।
draft-ready = 📝 <b>{ $topic }</b> का ड्राफ़्ट तैयार है: नीचे देखें।
draft-expired = ⌛ <b>{ $topic }</b> का ड्राफ़्ट बहुत देर तक रुका रहा और समाप्त हो गया। फिर से शुरू करने के लिए <code>/carousel</code> भेजें।
draft-gone = यह ड्राफ़्ट अब खुला नहीं है: यह बन चुका है, रद्द हुआ या समाप्त हो गया।
draft-rewriting = फिर से लिख रहा हूँ…
draft-pick-style = ड्राफ़्ट के लिए एक शैली चुनें।
