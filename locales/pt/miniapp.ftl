## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = Você não está conectado: abra o editor de novo pela mensagem do bot.
miniapp-error-forbidden = Este rascunho pertence a outra pessoa.
miniapp-error-not-found = Não há nada aqui: talvez o rascunho tenha sido apagado.
miniapp-error-stale = O rascunho foi alterado em outro dispositivo; a versão mais recente foi carregada.
miniapp-error-closed = Este rascunho não aceita mais edições: foi enviado, cancelado ou expirou.
miniapp-error-invalid = Parte do rascunho não é válida; confira o campo destacado.
miniapp-error-too-large = É coisa demais de uma vez.
miniapp-error-rate-limited = Pré-visualizações demais seguidas; a próxima vem num instante.
miniapp-error-quota = Você usou suas reescritas por enquanto.
miniapp-error-one-at-a-time = Um carrossel por vez: espere o que está sendo desenhado.
miniapp-error-busy = O bot está ocupado; tente de novo num instante.
miniapp-error-unavailable = O bot não alcança o armazenamento agora; tente de novo num instante.
miniapp-error-internal = Algo deu errado do nosso lado; tente de novo.
miniapp-error-not-configured = O editor não está configurado neste bot.
miniapp-error-invalid-caption = A legenda é longa demais: no máximo { $max } caracteres.
miniapp-error-invalid-hashtags = Uma publicação leva de { $min } a { $max } hashtags, cada uma um # seguido de letras, dígitos ou sublinhados, com no máximo { $chars } caracteres.
miniapp-error-invalid-alt = Este texto alternativo é longo demais: no máximo { $max } caracteres.
miniapp-error-invalid-accent = A cor não é válida: use #abc ou #aabbcc.
miniapp-error-invalid-brand-text = No máximo { $max } caracteres, sem caracteres de controle.
miniapp-error-brand-stale = Seu kit de marca foi alterado em outro dispositivo; a versão mais recente foi carregada.
