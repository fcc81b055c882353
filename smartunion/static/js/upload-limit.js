// A file above the upload limit (data-max-bytes, set by core.forms.UploadField) is refused
// as soon as it is chosen, before a byte of it is sent; the server checks again anyway.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) {
    return;
  }
  const limit = Number(input.dataset.maxBytes);
  const tooBig = Array.from(input.files || []).find((file) => file.size > limit);
  let note = input.parentElement.querySelector(".upload-limit-error");
  if (!tooBig) {
    if (note) note.remove();
    return;
  }
  if (!note) {
    note = document.createElement("ul");
    note.className = "errorlist upload-limit-error";
    note.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", note);
  }
  const mb = (limit / 1024 / 1024).toString();
  note.innerHTML = "";
  const item = document.createElement("li");
  item.textContent = `“${tooBig.name}”超过${mb} MB的上限，请拆分或压缩后再上传。`;
  note.appendChild(item);
  input.value = "";
});
