## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 Revisar antes de desenhar
review-setting-off = ⚡ Desenhar na hora
review-render-button = ✅ Renderizar
review-edit-button = ✏️ Editar
review-rewrite-button = 🔁 Reescrever
review-style-button = 🎨 Estilo
draft-caption = <b>Rascunho: { $topic }</b> — { $slides ->
        [one] { $slides } slide
       *[other] { $slides } slides
    }
draft-help = Renderizar desenha como está; Reescrever escreve de novo; Estilo muda o visual.
draft-help-editor = Renderizar desenha como está; Editar abre o editor para mudar qualquer slide; Reescrever escreve de novo; Estilo muda o visual.
draft-ready = 📝 O rascunho de <b>{ $topic }</b> está pronto: confira abaixo.
draft-expired = ⌛ O rascunho de <b>{ $topic }</b> esperou demais e expirou. Envie <code>/carousel</code> para começar de novo.
draft-gone = Este rascunho não está mais aberto: foi renderizado, cancelado ou expirou.
draft-rewriting = Escrevendo de novo…
draft-pick-style = Escolha um estilo para o rascunho.
