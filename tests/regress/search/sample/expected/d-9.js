morgueSearch.load("d-9",{"zd":"Sf]0sBFn/"});
