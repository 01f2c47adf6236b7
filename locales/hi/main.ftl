# हिन्दी। संख्या के बाद संज्ञा का रूप नहीं बदलता ("1 स्लाइड", "10 स्लाइड"), इसलिए बहुवचन चयन की ज़रूरत नहीं।

## कमांड मेनू और /help

command-start = शुरू करें: स्वागत, और आपका पंजीकरण।
command-help = कमांड की सूची।
command-carousel = कैरसेल बनाएँ: /carousel <विषय>।
command-wisdom = आज का एक छोटा ज्ञान-वचन।
command-myid = आपकी Telegram id और इस चैट की id।
command-ask = सवाल पूछें: /ask <सवाल>।
command-history = आपके हाल के कैरसेल, हर एक दोबारा बनाने के लिए तैयार।
command-settings = स्टाइल, स्लाइडों की संख्या, आकार, भाषा, फ़ोटो या फ़ाइलें।
command-cancel = बन रहा कैरसेल रद्द करें।
help-header = <b>मैं क्या कर सकता हूँ</b>
start-greeting = नमस्ते, { $name }! मैं Instagram के लिए कैरसेल बनाता हूँ: <code>/carousel विषय</code> भेजिए और तैयार स्लाइड पाइए।
myid =
    आपकी id: <code>{ $user }</code>
    चैट की id: <code>{ $chat }</code>
hint = कैरसेल बनाने के लिए <code>/carousel विषय</code> भेजिए, जैसे <code>/carousel आस्था और संदेह</code>। सभी कमांड: /help

## /carousel

carousel-usage =
    कमांड के बाद विषय लिखिए, जैसे:
    <code>/carousel आस्था और संदेह</code>
topic-undrawable = मैं इस विषय के { $total } अक्षरों में से { $missing } नहीं बना सकता: स्लाइडों पर आपके शब्दों की जगह खाली डिब्बे दिखते। कृपया विषय किसी दूसरी लिपि में लिखिए।
topic-too-long = यह विषय { $chars } अक्षरों का है; कृपया इसे { $max } के भीतर रखिए। छोटा और साफ़ विषय बेहतर स्लाइड बनाता है।
pick-style =
    विषय: <b>{ $topic }</b>
    एक स्टाइल चुनिए:
style-galaxy = 🌌 गैलेक्सी
style-vibrant = 🎨 चटकीला
style-minimal = ⚪ मिनिमल
cancel-button = ✖ रद्द करें
pdf-button = 📄 PDF
one-at-a-time = कृपया एक बार में एक कैरसेल: मौजूदा कैरसेल अभी बन रहा है। उसे रोकने के लिए /cancel भेजिए।
stale-button = यह बटन अब मान्य नहीं है। कृपया /carousel से फिर शुरू कीजिए।
not-your-request = यह अनुरोध किसी और का है; अपना /carousel भेजिए।
already-started = इस पर काम चल रहा है।
starting = शुरू कर रहा हूँ…

## कैरसेल का स्टेटस संदेश

writing =
    <b>{ $topic }</b>
    ✍️ स्लाइड लिख रहा हूँ…
rendering =
    <b>{ $topic }</b>
    🎨 बना रहा हूँ { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 भेज रहा हूँ…
done =
    <b>{ $topic }</b>
    ✅ तैयार: { $slides } स्लाइड। PDF बस एक टैप दूर है।
offline-note =
    ऑफ़लाइन { $language ->
        [ru] रूसी
       *[en] अंग्रेज़ी
    } में लिखा गया; आपका विषय वैसा ही रखा गया है जैसा आपने लिखा।
failed =
    <b>{ $topic }</b>
    ⚠️ क्षमा करें, यह कैरसेल नहीं बन सका: { $reason }
    कृपया बाद में फिर कोशिश कीजिए।
timed-out = इसमें बहुत ज़्यादा समय लग गया
telegram-refused = Telegram ने तस्वीरें स्वीकार नहीं कीं
step-failed-writing = टेक्स्ट नहीं लिखा जा सका
step-failed-rendering = स्लाइड नहीं बनाई जा सकीं
step-failed-sending = स्लाइड नहीं भेजी जा सकीं
internal-error = हमारी तरफ़ कुछ गड़बड़ हो गई
cancelled =
    <b>{ $topic }</b>
    ✖ रद्द किया गया।
cancel-accepted = रद्द कर रहा हूँ: कैरसेल अपने मौजूदा चरण के बाद रुक जाएगा।
nothing-to-cancel = रद्द करने को कुछ नहीं है: कोई कैरसेल नहीं बन रहा।

## /ask और /history

ask-usage =
    कमांड के बाद सवाल लिखिए, जैसे:
    <code>/ask अनुग्रह क्या है?</code>
question-too-long = यह सवाल { $chars } अक्षरों का है; कृपया इसे { $max } के भीतर रखिए।
history-empty = अभी कोई कैरसेल नहीं है। पहला बनाइए: <code>/carousel विषय</code>
history-header = <b>आपके हाल के कैरसेल</b> — दोबारा बनाने के लिए किसी एक पर टैप कीजिए:

## /settings

settings =
    <b>सेटिंग्स</b>
    स्टाइल: { $style }
    स्लाइड: { $slides }
    आकार: { $size }
    भाषा: { $language }
    स्लाइडों की भाषा: { $content }
    भेजने का तरीका: { $delivery }
    स्लाइडों पर: { $handle }

    बदलने के लिए टैप कीजिए:
handle-username = आपका @username (न हो तो आपका पहला नाम)
handle-name = आपका पहला नाम
handle-none = कोई नाम नहीं
content-auto = विषय की अपनी भाषा
content-interface = इंटरफ़ेस वाली भाषा
content-auto-button = 🔎 विषय की भाषा
content-interface-button = 💬 इंटरफ़ेस जैसी
not-your-settings = ये सेटिंग्स किसी और की हैं; अपनी सेटिंग्स के लिए /settings भेजिए।
saved = सेव हो गया।

## इनकार और सीमाएँ

unavailable = क्षमा करें, हमारी तरफ़ कुछ गड़बड़ हो गई। कृपया एक मिनट बाद फिर कोशिश कीजिए।
slow-down = आप मेरे जवाब देने की रफ़्तार से तेज़ संदेश भेज रहे हैं। कृपया थोड़ा धीरे: अगले एक मिनट में भेजे गए संदेशों का जवाब शायद न मिले।
quota-ask = सवालों (/ask)
quota-wisdom = ज्ञान-वचनों (/wisdom)
quota-carousel = कैरसेलों
quota-pdf = PDF
quota-day-used = आज के लिए { $subject } की सीमा पूरी हो गई: रोज़ { $per_day }। कल फिर से (दिन 00:00 UTC पर बदलता है)।
quota-minute-used = एक मिनट में { $subject } की सीमा पार हो गई (अधिकतम { $per_minute })। एक मिनट बाद फिर कोशिश कीजिए।
busy = मैं अभी बहुत व्यस्त हूँ। कृपया एक मिनट बाद फिर कोशिश कीजिए।
not-allowed = क्षमा करें, यह बॉट निजी है और सिर्फ़ अपने सदस्यों के लिए है।
limits-help =
    <b>उचित उपयोग</b>
    हर व्यक्ति के लिए: रोज़ { $carousels } कैरसेल (एक मिनट में अधिकतम { $carousels_per_minute }), रोज़ { $questions } सवाल (/ask) और { $wisdoms } ज्ञान-वचन, रोज़ { $pdfs } PDF। लगभग { $messages } प्रति मिनट से तेज़ भेजे गए संदेशों का कुछ देर जवाब नहीं मिलता। जब बहुत से लोग एक साथ बॉट इस्तेमाल करते हैं, तो आपसे एक मिनट बाद फिर कोशिश करने को कहा जा सकता है।
