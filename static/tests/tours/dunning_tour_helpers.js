/**
 * A tour step that ticks the selection box of the list row matching
 * ``rowSelector`` and waits until the row stays selected. On a busy machine
 * a click can land while the list re-renders (after a dialog closes or a
 * reload) and be lost with the old row: the step ticks the new row again,
 * and never unticks a row the list already holds selected.
 */
export function selectRowStep(content, rowSelector) {
    const inputSelector = `${rowSelector} .o_list_record_selector input`;
    return {
        content,
        timeout: 30000,
        trigger: inputSelector,
        async run({ queryFirst }) {
            for (let attempt = 0; attempt < 50; attempt++) {
                const input = queryFirst(inputSelector);
                if (input?.closest(".o_data_row")?.classList.contains("o_data_row_selected")) {
                    return;
                }
                if (input && !input.checked) {
                    input.click();
                }
                await new Promise((resolve) => setTimeout(resolve, 400));
            }
            throw new Error(`${content}: the row did not stay selected`);
        },
    };
}
