morgueSearch.load("d-5","i8ZRWhvjy6vG8NLaRNfQmJSsajzocmosAA==",2);
