## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = आप साइन इन नहीं हैं: बॉट के संदेश से एडिटर फिर से खोलें।
miniapp-error-forbidden = यह ड्राफ़्ट किसी और का है।
miniapp-error-not-found = यहाँ कुछ नहीं है: शायद ड्राफ़्ट हटा दिया गया।
miniapp-error-stale = ड्राफ़्ट किसी और डिवाइस पर बदला गया; नया संस्करण लोड किया गया।
miniapp-error-closed = यह ड्राफ़्ट अब संपादित नहीं हो सकता: भेजा जा चुका है, रद्द हुआ या समाप्त हो गया।
miniapp-error-invalid = ड्राफ़्ट का कुछ हिस्सा मान्य नहीं है; चिह्नित फ़ील्ड देखें।
miniapp-error-too-large = एक बार में यह बहुत ज़्यादा है।
miniapp-error-rate-limited = लगातार बहुत सारे प्रीव्यू; अगला एक पल में आएगा।
miniapp-error-quota = अभी के लिए आपके दोबारा लिखने की सीमा पूरी हो गई।
miniapp-error-one-at-a-time = एक समय में एक कैरोसेल: जो बन रहा है उसका इंतज़ार करें।
miniapp-error-busy = बॉट व्यस्त है; एक पल बाद फिर कोशिश करें।
miniapp-error-unavailable = बॉट अभी अपने स्टोर तक नहीं पहुँच पा रहा; एक पल बाद कोशिश करें।
miniapp-error-internal = हमारी ओर से कुछ गड़बड़ हुई; फिर कोशिश करें।
miniapp-error-not-configured = इस बॉट पर एडिटर सेट नहीं है।
miniapp-error-invalid-caption = कैप्शन बहुत लंबा है: अधिकतम { $max } अक्षर।
miniapp-error-invalid-hashtags = एक पोस्ट में { $min } से { $max } हैशटैग होते हैं, हर एक # के बाद अक्षर, अंक या अंडरस्कोर, अधिकतम { $chars } अक्षर।
miniapp-error-invalid-alt = यह वैकल्पिक टेक्स्ट बहुत लंबा है: अधिकतम { $max } अक्षर।
miniapp-error-invalid-accent = रंग मान्य नहीं है: #abc या #aabbcc इस्तेमाल करें।
miniapp-error-invalid-brand-text = अधिकतम { $max } अक्षर, बिना नियंत्रण वर्णों के।
miniapp-error-brand-stale = आपकी ब्रांड किट किसी दूसरे डिवाइस पर बदली गई; नवीनतम संस्करण लोड किया गया।
