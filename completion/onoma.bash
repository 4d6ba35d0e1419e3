# bash completion for onoma(1); installed as
# share/bash-completion/completions/onoma. The commands and their options
# are read from the program's own --help, so they stay in step with it.

_onoma_words()
{
    # _onoma_words COMMAND...: the long options of `onoma COMMAND --help`
    "$@" --help 2>/dev/null | grep -oE -- '(^|[ ,])--[a-z][a-z-]*=?' | sed 's/^[ ,]*//' | sort -u
}

_onoma()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else # without the bash-completion package
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        if [[ $prev == = && $cword -ge 2 ]]; then
            prev=${words[cword-2]}
        elif [[ $cur == = ]]; then
            prev=${words[cword-1]} cur=
        fi
    fi
    local prog=${words[0]} cmd= i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        -t | --table | -s | --style | -o | --output | --report | -j | --jobs | --format | -f | --include | --exclude | \
            --ignore | --markup | --stdin-filename | --log) ((i++)) ;;
        -*) ;;
        *) cmd=${words[i]}; break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        local cmds
        cmds=$("$prog" --help 2>/dev/null | awk '/^Commands:/ {f = 1; next} f && /^  [a-z]/ {print $1} f && /^$/ {f = 0}')
        COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
        return
    fi

    case $prev in
    -t | --table)
        if declare -F _filedir >/dev/null; then _filedir '@(tsv|onb)'; else COMPREPLY=($(compgen -f -- "$cur")); fi
        return ;;
    -o | --output | --report)
        if declare -F _filedir >/dev/null; then _filedir; else COMPREPLY=($(compgen -f -- "$cur")); fi
        return ;;
    -s | --style)
        local styles
        styles=$("$prog" tables 2>/dev/null | awk '/^STYLE/ {f = 1; next} f && !NF {exit} f {print $1}')
        COMPREPLY=($(compgen -W "$styles" -- "$cur"))
        return ;;
    --format | -f)
        if [[ $cmd == check ]]; then
            COMPREPLY=($(compgen -W "text jsonl sarif" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
        fi
        return ;;
    --markup)
        COMPREPLY=($(compgen -W "auto text markdown html rst tex" -- "$cur"))
        return ;;
    --color | --colour | --caret)
        COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
        return ;;
    --log | --stdin-filename)
        if declare -F _filedir >/dev/null; then _filedir; else COMPREPLY=($(compgen -f -- "$cur")); fi
        return ;;
    --invalid)
        COMPREPLY=($(compgen -W "error keep replace" -- "$cur"))
        return ;;
    -j | --jobs)
        COMPREPLY=($(compgen -W "1 2 4 8 16" -- "$cur"))
        return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_onoma_words "$prog" "$cmd")" -- "$cur"))
        if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
            compopt -o nospace 2>/dev/null
        fi
        return
    fi
    if declare -F _filedir >/dev/null; then _filedir; else COMPREPLY=($(compgen -f -- "$cur")); fi
}
complete -F _onoma onoma
