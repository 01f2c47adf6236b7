## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = لم تسجّل الدخول: افتح المحرر مرة أخرى من رسالة البوت.
miniapp-error-forbidden = هذه المسودة تخص شخصًا آخر.
miniapp-error-not-found = لا يوجد شيء هنا: ربما حُذفت المسودة.
miniapp-error-stale = تغيّرت المسودة على جهاز آخر؛ حُمّلت أحدث نسخة.
miniapp-error-closed = لم تعد هذه المسودة قابلة للتحرير: أُرسلت أو أُلغيت أو انتهت صلاحيتها.
miniapp-error-invalid = جزء من المسودة غير صالح؛ راجع الحقل المميّز.
miniapp-error-too-large = هذا كثير دفعة واحدة.
miniapp-error-rate-limited = معاينات كثيرة متتالية؛ تأتي التالية بعد لحظة.
miniapp-error-quota = استنفدت إعادات الكتابة حاليًا.
miniapp-error-one-at-a-time = كاروسيل واحد في كل مرة: انتظر الذي يُرسم الآن.
miniapp-error-busy = البوت مشغول؛ حاول بعد لحظة.
miniapp-error-unavailable = لا يصل البوت إلى مخزنه الآن؛ حاول بعد لحظة.
miniapp-error-internal = حدث خطأ من جهتنا؛ حاول مرة أخرى.
miniapp-error-not-configured = المحرر غير مُعدّ في هذا البوت.
miniapp-error-invalid-caption = التعليق طويل جدًا: { $max } حرفًا على الأكثر.
miniapp-error-invalid-hashtags = يحمل المنشور من { $min } إلى { $max } وسمًا، كل وسم # تليه حروف أو أرقام أو شرطات سفلية، وطوله { $chars } حرفًا على الأكثر.
miniapp-error-invalid-alt = هذا النص البديل طويل جدًا: { $max } حرفًا على الأكثر.
miniapp-error-invalid-accent = اللون غير صالح: استخدم ‎#abc أو ‎#aabbcc.
miniapp-error-invalid-brand-text = { $max } حرفًا على الأكثر، دون أحرف تحكم.
miniapp-error-brand-stale = تم تغيير هوية علامتك على جهاز آخر؛ تم تحميل أحدث نسخة.
