(name) => [name, name ? (window.confirm('Delete ' + name + ' from the corpus folder? The file is removed.') ? 'yes' : 'no') : '']
